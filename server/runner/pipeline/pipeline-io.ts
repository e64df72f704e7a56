// The tensor names and dtypes one model's sessions exchange, read once at load from the session metadata.
import { EaselError } from '../../core/errors.js';
import type { ModelPart, PartInfo, TensorInfo } from '../../core/ports.js';

export type FloatType = 'float32' | 'float16';
export type IdType = 'int32' | 'int64';

export interface PipelineIo {
  inputIds: IdType;
  hiddenStates: FloatType;
  unetSample: FloatType;
  /** The UNet's timestep input as the session declares it: dtype and dims decide the tensor fed each step. */
  timestep: TensorInfo;
  unetHidden: FloatType;
  decoderLatent: FloatType;
  /** 'latent_parameters' (mean and log-variance) when the encoder has no 'latent_sample'. */
  encoderOutput?: 'latent_sample' | 'latent_parameters';
  encoderSample?: FloatType;
}

function partInfo(parts: readonly PartInfo[], part: ModelPart): PartInfo {
  const info = parts.find((p) => p.part === part);
  if (!info) throw new EaselError('INVALID_MODEL', `the loaded model has no ${part} session`);
  return info;
}

function tensor(info: PartInfo, kind: 'inputs' | 'outputs', name: string): TensorInfo {
  const found = info[kind].find((t) => t.name === name);
  if (!found) throw new EaselError('INVALID_MODEL', `${info.part} has no ${kind === 'inputs' ? 'input' : 'output'} '${name}'`);
  return found;
}

function floatType(info: PartInfo, kind: 'inputs' | 'outputs', name: string): FloatType {
  const type = tensor(info, kind, name).type;
  if (type !== 'float32' && type !== 'float16') {
    throw new EaselError('INVALID_MODEL', `${info.part} tensor '${name}' is ${type}; expected float32 or float16`);
  }
  return type;
}

/** The parts' IO as the tensor contract (tensor-contract.ts) has already accepted it. */
export function readPipelineIo(parts: readonly PartInfo[]): PipelineIo {
  const textEncoder = partInfo(parts, 'text_encoder');
  const unet = partInfo(parts, 'unet');
  const decoder = partInfo(parts, 'vae_decoder');
  const ids = tensor(textEncoder, 'inputs', 'input_ids').type;
  if (ids !== 'int32' && ids !== 'int64') {
    throw new EaselError('INVALID_MODEL', `text_encoder input 'input_ids' is ${ids}; expected int32 or int64`);
  }
  const io: PipelineIo = {
    inputIds: ids,
    hiddenStates: floatType(textEncoder, 'outputs', 'last_hidden_state'),
    unetSample: floatType(unet, 'inputs', 'sample'),
    timestep: tensor(unet, 'inputs', 'timestep'),
    unetHidden: floatType(unet, 'inputs', 'encoder_hidden_states'),
    decoderLatent: floatType(decoder, 'inputs', 'latent_sample'),
  };
  const encoder = parts.find((p) => p.part === 'vae_encoder');
  if (encoder) {
    io.encoderSample = floatType(encoder, 'inputs', 'sample');
    io.encoderOutput = encoder.outputs.some((o) => o.name === 'latent_sample') ? 'latent_sample' : 'latent_parameters';
  }
  return io;
}
