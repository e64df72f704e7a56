// Checks an opened session's inputs and outputs against the tensor names and dtypes the pipeline feeds and reads.
import { EaselError } from '../core/errors.js';
import type { ModelPart, PartInfo, TensorInfo } from '../core/ports.js';

/** The shape of onnxruntime's InferenceSession.ValueMetadata that matters here. */
export interface SessionValue {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

const FLOATS = ['float32', 'float16'];

interface InputRule {
  name: string;
  types: string[];
  /** Highest rank accepted; the timestep is a scalar, [1] or [batch]. */
  maxRank?: number;
  /** Present only in some layouts (SDXL's added conditioning); pipeline-io checks the layout as a whole. */
  optional?: boolean;
}

interface PartContract {
  inputs: InputRule[];
  /** One of these outputs must exist (exporters differ); other outputs are ignored. */
  outputs: string[];
}

const CONTRACTS: Record<ModelPart, PartContract> = {
  text_encoder: { inputs: [{ name: 'input_ids', types: ['int32', 'int64'] }], outputs: ['last_hidden_state'] },
  // SDXL's second encoder (CLIPTextModelWithProjection): the pooled, projected text_embeds beside its hidden states.
  text_encoder_2: { inputs: [{ name: 'input_ids', types: ['int32', 'int64'] }], outputs: ['text_embeds'] },
  unet: {
    inputs: [
      { name: 'sample', types: FLOATS },
      { name: 'timestep', types: [...FLOATS, 'int64', 'int32'], maxRank: 1 },
      { name: 'encoder_hidden_states', types: FLOATS },
      { name: 'text_embeds', types: FLOATS, optional: true },
      { name: 'time_ids', types: FLOATS, optional: true },
    ],
    outputs: ['out_sample'],
  },
  vae_decoder: { inputs: [{ name: 'latent_sample', types: FLOATS }], outputs: ['sample'] },
  vae_encoder: { inputs: [{ name: 'sample', types: FLOATS }], outputs: ['latent_sample', 'latent_parameters'] },
};

function invalid(message: string): EaselError {
  return new EaselError('INVALID_MODEL', message);
}

function toTensorInfo(part: ModelPart, kind: 'input' | 'output', value: SessionValue): TensorInfo {
  if (!value.isTensor || value.type === undefined) {
    throw invalid(`${part} ${kind} '${value.name}' is not a tensor; the pipeline only exchanges tensors`);
  }
  // onnxruntime reports a dimension with neither a value nor a name as ''.
  const dims = (value.shape ?? []).map((d) => (d === '' ? -1 : d));
  return { name: value.name, type: value.type, dims };
}

function names(values: TensorInfo[]): string {
  return values.map((v) => v.name).join(', ') || 'none';
}

/** Returns the part's IO as PartInfo, or throws INVALID_MODEL naming the part and the offending tensor. */
export function checkTensorContract(
  part: ModelPart,
  inputMetadata: readonly SessionValue[],
  outputMetadata: readonly SessionValue[],
): PartInfo {
  const contract = CONTRACTS[part];
  const inputs = inputMetadata.map((v) => toTensorInfo(part, 'input', v));
  const outputs = outputMetadata.map((v) => toTensorInfo(part, 'output', v));
  const expected = contract.inputs.map((rule) => rule.name);

  const extra = inputs.filter((input) => !expected.includes(input.name));
  if (extra.length > 0) {
    const required = contract.inputs.filter((rule) => !rule.optional).map((rule) => rule.name);
    const optional = contract.inputs.filter((rule) => rule.optional).map((rule) => rule.name);
    const also = optional.length > 0 ? `, and in the SDXL layout ${optional.join(', ')}` : '';
    throw invalid(`${part} has inputs the pipeline cannot feed: ${names(extra)} (expected ${required.join(', ')}${also})`);
  }
  for (const rule of contract.inputs) {
    const input = inputs.find((i) => i.name === rule.name);
    if (!input && rule.optional) continue;
    if (!input) throw invalid(`${part} has no input '${rule.name}' (found: ${names(inputs)})`);
    if (!rule.types.includes(input.type)) {
      throw invalid(`${part} input '${rule.name}' is ${input.type}; expected ${rule.types.join(' or ')}`);
    }
    if (rule.maxRank !== undefined && input.dims.length > rule.maxRank) {
      throw invalid(`${part} input '${rule.name}' has shape [${input.dims.join(', ')}]; expected a scalar or a vector`);
    }
  }

  const output = outputs.find((o) => contract.outputs.includes(o.name));
  if (!output) {
    const wanted = contract.outputs.map((n) => `'${n}'`).join(' or ');
    throw invalid(`${part} has no output ${wanted} (found: ${names(outputs)})`);
  }
  if (!FLOATS.includes(output.type)) {
    throw invalid(`${part} output '${output.name}' is ${output.type}; expected ${FLOATS.join(' or ')}`);
  }
  return { part, inputs, outputs };
}
