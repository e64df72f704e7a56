import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import type { ModelPart } from '../../../server/core/ports.js';
import { checkTensorContract, type SessionValue } from '../../../server/runner/tensor-contract.js';

function tensor(name: string, type: string, shape: Array<number | string> = []): SessionValue {
  return { name, isTensor: true, type, shape };
}

const UNET_INPUTS = [
  tensor('sample', 'float32', ['batch', 4, 'h', 'w']),
  tensor('timestep', 'int64', [1]),
  tensor('encoder_hidden_states', 'float32', ['batch', 77, 768]),
];
const UNET_OUTPUTS = [tensor('out_sample', 'float32', ['batch', 4, 'h', 'w'])];

function contractError(part: ModelPart, inputs: SessionValue[], outputs: SessionValue[]): Error {
  try {
    checkTensorContract(part, inputs, outputs);
  } catch (error) {
    expect(isEaselError(error, 'INVALID_MODEL')).toBe(true);
    return error as Error;
  }
  throw new Error('expected the contract check to fail');
}

describe('checkTensorContract', () => {
  it('returns the part info of a conforming UNet, with unknown dimensions as -1', () => {
    const inputs = [...UNET_INPUTS.slice(0, 2), tensor('encoder_hidden_states', 'float16', ['', 77, 768])];
    const info = checkTensorContract('unet', inputs, UNET_OUTPUTS);
    expect(info.part).toBe('unet');
    expect(info.inputs[2]).toEqual({ name: 'encoder_hidden_states', type: 'float16', dims: [-1, 77, 768] });
    expect(info.outputs).toEqual([{ name: 'out_sample', type: 'float32', dims: ['batch', 4, 'h', 'w'] }]);
  });

  it.each(['float32', 'float16', 'int64', 'int32'])('accepts a %s timestep', (type) => {
    const inputs = [UNET_INPUTS[0]!, tensor('timestep', type, []), UNET_INPUTS[2]!];
    expect(checkTensorContract('unet', inputs, UNET_OUTPUTS).inputs[1]!.type).toBe(type);
  });

  it('refuses a timestep with more than one dimension', () => {
    const inputs = [UNET_INPUTS[0]!, tensor('timestep', 'int64', [1, 1]), UNET_INPUTS[2]!];
    expect(contractError('unet', inputs, UNET_OUTPUTS).message).toMatch(/unet input 'timestep' has shape \[1, 1\]/);
  });

  it('names extra inputs the pipeline cannot feed', () => {
    const inputs = [...UNET_INPUTS, tensor('timestep_cond', 'float32', [1, 256])];
    expect(contractError('unet', inputs, UNET_OUTPUTS).message).toMatch(
      /unet has inputs the pipeline cannot feed: timestep_cond \(expected sample, timestep, encoder_hidden_states, and in the SDXL layout text_embeds, time_ids\)/,
    );
  });

  it("accepts the SDXL UNet's added conditioning inputs and checks their dtypes", () => {
    const inputs = [...UNET_INPUTS, tensor('text_embeds', 'float16', [2, 1280]), tensor('time_ids', 'float16', [2, 6])];
    expect(checkTensorContract('unet', inputs, UNET_OUTPUTS).inputs.map((i) => i.name)).toContain('time_ids');
    const wrong = [...UNET_INPUTS, tensor('text_embeds', 'int64', [2, 1280])];
    expect(contractError('unet', wrong, UNET_OUTPUTS).message).toMatch(/unet input 'text_embeds' is int64/);
  });

  it("requires text_embeds from SDXL's second text encoder", () => {
    const ids = [tensor('input_ids', 'int64', [1, 77])];
    expect(contractError('text_encoder_2', ids, [tensor('last_hidden_state', 'float32')]).message).toMatch(
      /text_encoder_2 has no output 'text_embeds'/,
    );
  });

  it('names a missing input and what was found instead', () => {
    expect(contractError('unet', UNET_INPUTS.slice(0, 2), UNET_OUTPUTS).message).toMatch(
      /unet has no input 'encoder_hidden_states' \(found: sample, timestep\)/,
    );
  });

  it('names a missing output', () => {
    expect(contractError('unet', UNET_INPUTS, [tensor('noise_pred', 'float32')]).message).toMatch(
      /unet has no output 'out_sample' \(found: noise_pred\)/,
    );
  });

  it('accepts int32 and int64 token ids and refuses float ones', () => {
    const outputs = [tensor('last_hidden_state', 'float32'), tensor('pooler_output', 'float32')];
    expect(checkTensorContract('text_encoder', [tensor('input_ids', 'int64')], outputs).outputs).toHaveLength(2);
    expect(checkTensorContract('text_encoder', [tensor('input_ids', 'int32')], outputs).inputs[0]!.type).toBe('int32');
    expect(contractError('text_encoder', [tensor('input_ids', 'float32')], outputs).message).toMatch(
      /text_encoder input 'input_ids' is float32; expected int32 or int64/,
    );
  });

  it('refuses an output that is not floating point', () => {
    expect(contractError('vae_decoder', [tensor('latent_sample', 'float32')], [tensor('sample', 'uint8')]).message).toMatch(
      /vae_decoder output 'sample' is uint8/,
    );
  });

  it('accepts either output name of a VAE encoder', () => {
    const inputs = [tensor('sample', 'float32')];
    expect(checkTensorContract('vae_encoder', inputs, [tensor('latent_sample', 'float32')]).part).toBe('vae_encoder');
    expect(checkTensorContract('vae_encoder', inputs, [tensor('latent_parameters', 'float16')]).part).toBe('vae_encoder');
  });

  it('refuses values that are not tensors', () => {
    const inputs = [{ name: 'input_ids', isTensor: false }];
    expect(contractError('text_encoder', inputs, []).message).toMatch(/text_encoder input 'input_ids' is not a tensor/);
  });
});
