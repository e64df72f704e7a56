import { describe, expect, it } from 'vitest';
import type { PartInfo, TensorInfo } from '../../../../server/core/ports.js';
import { readPipelineIo } from '../../../../server/runner/pipeline/pipeline-io.js';

const t = (name: string, type: string, dims: TensorInfo['dims'] = ['batch']): TensorInfo => ({ name, type, dims });

function parts(float: string, encoderOutput?: string): PartInfo[] {
  const list: PartInfo[] = [
    { part: 'text_encoder', inputs: [t('input_ids', 'int64')], outputs: [t('last_hidden_state', float)] },
    {
      part: 'unet',
      inputs: [t('sample', float), t('timestep', 'int64', [1]), t('encoder_hidden_states', float)],
      outputs: [t('out_sample', float)],
    },
    { part: 'vae_decoder', inputs: [t('latent_sample', float)], outputs: [t('sample', float)] },
  ];
  if (encoderOutput) list.push({ part: 'vae_encoder', inputs: [t('sample', float)], outputs: [t(encoderOutput, float)] });
  return list;
}

describe('reading the pipeline IO from the sessions', () => {
  it('takes each dtype from the metadata of the part that consumes it', () => {
    expect(readPipelineIo(parts('float16', 'latent_sample'))).toEqual({
      inputIds: 'int64',
      hiddenStates: 'float16',
      unetSample: 'float16',
      timestep: t('timestep', 'int64', [1]),
      unetHidden: 'float16',
      decoderLatent: 'float16',
      encoderOutput: 'latent_sample',
      encoderSample: 'float16',
    });
  });

  it("reads an encoder's mean from latent_parameters when it has no latent_sample", () => {
    expect(readPipelineIo(parts('float32', 'latent_parameters')).encoderOutput).toBe('latent_parameters');
  });

  it('leaves the encoder out when the model has none', () => {
    const io = readPipelineIo(parts('float32'));
    expect(io.encoderOutput).toBeUndefined();
    expect(io.encoderSample).toBeUndefined();
  });

  it('names the part whose tensor is missing', () => {
    expect(() => readPipelineIo(parts('float32').filter((p) => p.part !== 'unet'))).toThrow('the loaded model has no unet session');
  });
});
