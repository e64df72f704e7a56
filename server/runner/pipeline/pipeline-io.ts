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
  /** The SDXL layout's second encoder and added conditioning; absent for SD 1.x / 2.x. */
  xl?: XlIo;
}

export interface XlIo {
  inputIds2: IdType;
  /** Each encoder's penultimate hidden states (diffusers' hidden_states[-2]): output name and dtype. */
  penultimate1: { name: string; type: FloatType };
  penultimate2: { name: string; type: FloatType };
  /** text_encoder_2's pooled, projected output. */
  pooled: FloatType;
  textEmbeds: FloatType;
  timeIds: FloatType;
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

function idType(info: PartInfo): IdType {
  const ids = tensor(info, 'inputs', 'input_ids').type;
  if (ids !== 'int32' && ids !== 'int64') {
    throw new EaselError('INVALID_MODEL', `${info.part} input 'input_ids' is ${ids}; expected int32 or int64`);
  }
  return ids;
}

const HIDDEN_STATE = /^hidden_states\.(\d+)$/;

/** The penultimate of an encoder's hidden_states.N outputs, which SDXL conditions on. */
function penultimate(info: PartInfo): { name: string; type: FloatType } {
  const layers = info.outputs.flatMap((o) => {
    const match = HIDDEN_STATE.exec(o.name);
    return match ? [Number(match[1])] : [];
  });
  if (layers.length < 2) {
    throw new EaselError(
      'INVALID_MODEL',
      `${info.part}/model.onnx has no hidden_states.N outputs; SDXL conditions on the penultimate layer (export with output_hidden_states)`,
      { details: { file: `${info.part}/model.onnx`, key: 'hidden_states' } },
    );
  }
  const name = `hidden_states.${Math.max(...layers) - 1}`;
  return { name, type: floatType(info, 'outputs', name) };
}

function layoutError(message: string, key: string): EaselError {
  return new EaselError('INVALID_MODEL', message, { details: { file: 'unet/model.onnx', key } });
}

/** SDXL's IO when the folder has text_encoder_2; refuses a UNet whose inputs belong to the other layout. */
function readXlIo(parts: readonly PartInfo[], unet: PartInfo, textEncoder: PartInfo): XlIo | undefined {
  const encoder2 = parts.find((p) => p.part === 'text_encoder_2');
  const added = ['text_embeds', 'time_ids'].filter((name) => unet.inputs.some((i) => i.name === name));
  if (!encoder2) {
    if (added.length === 0) return undefined;
    throw layoutError(
      `unet/model.onnx input '${added[0]}' is SDXL's added conditioning, but the folder has no text_encoder_2/model.onnx to produce it`,
      added[0]!,
    );
  }
  const missing = ['text_embeds', 'time_ids'].find((name) => !added.includes(name));
  if (missing !== undefined) {
    throw layoutError(`unet/model.onnx has no input '${missing}', but the folder has SDXL's text_encoder_2 — it mixes the SD and SDXL layouts`, missing);
  }
  return {
    inputIds2: idType(encoder2),
    penultimate1: penultimate(textEncoder),
    penultimate2: penultimate(encoder2),
    pooled: floatType(encoder2, 'outputs', 'text_embeds'),
    textEmbeds: floatType(unet, 'inputs', 'text_embeds'),
    timeIds: floatType(unet, 'inputs', 'time_ids'),
  };
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
  const xl = readXlIo(parts, unet, textEncoder);
  if (xl) io.xl = xl;
  const encoder = parts.find((p) => p.part === 'vae_encoder');
  if (encoder) {
    io.encoderSample = floatType(encoder, 'inputs', 'sample');
    io.encoderOutput = encoder.outputs.some((o) => o.name === 'latent_sample') ? 'latent_sample' : 'latent_parameters';
  }
  return io;
}
