// Prompts → CLIP token ids → text encoder(s) → what the UNet is conditioned on, one batch entry per prompt: the
// encoder hidden states, and in the SDXL layout the pooled text embeddings and the size/crop time ids.
import ort from 'onnxruntime-node';
import type { LoadedPipeline } from './loaded-pipeline.js';
import type { XlIo } from './pipeline-io.js';
import type { RunClock } from './run-clock.js';
import { floatTensor, readFloats } from './tensor-dtypes.js';

export interface Conditioning {
  /** encoder_hidden_states [prompts, tokens, width] in the UNet's dtype. */
  hidden: ort.Tensor;
  /** The UNet's further inputs: SDXL's text_embeds and time_ids; empty for SD 1.x / 2.x. */
  added: Record<string, ort.Tensor>;
}

export interface ConditioningOptions {
  width: number;
  height: number;
  /** The first prompt is the unconditional one and is to be zeros (SDXL's force_zeros_for_empty_prompt). */
  zeroFirst: boolean;
}

function idsTensor(ids: number[], type: 'int32' | 'int64'): ort.Tensor {
  const dims = [1, ids.length];
  if (type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), dims);
  return new ort.Tensor('int32', Int32Array.from(ids), dims);
}

/** Rows of equal length stacked into one [rows, ...rowDims] tensor of `type`. */
function stack(rows: readonly Float32Array[], rowDims: readonly number[], type: 'float32' | 'float16'): ort.Tensor {
  if (rows.length === 1) return floatTensor(rows[0]!, [1, ...rowDims], type);
  const batch = new Float32Array(rows.reduce((sum, row) => sum + row.length, 0));
  rows.forEach((row, i) => batch.set(row, i * row.length));
  return floatTensor(batch, [rows.length, ...rowDims], type);
}

/** SD 1.x / 2.x: each prompt's last hidden state. */
async function conditionSd(pipeline: LoadedPipeline, prompts: readonly string[], clock: RunClock): Promise<Conditioning> {
  const maxLength = pipeline.model.tokenizerMaxLength;
  const rows: Float32Array[] = [];
  let rowDims: readonly number[] = [];
  for (const prompt of prompts) {
    const { inputIds } = pipeline.tokenizer.encode(prompt, { maxLength });
    const out = await clock.run(pipeline.textEncoder, { input_ids: idsTensor(inputIds, pipeline.io.inputIds) }, 'text_encoder');
    const hidden = out.last_hidden_state;
    rows.push(readFloats(hidden, 'text_encoder'));
    rowDims = hidden!.dims.slice(1);
  }
  return { hidden: stack(rows, rowDims, pipeline.io.unetHidden), added: {} };
}

interface XlRow {
  hidden: Float32Array;
  pooled: Float32Array;
}

/** One prompt through both SDXL encoders: penultimate hidden states side by side per token, and the pooled embedding. */
async function encodeXl(pipeline: LoadedPipeline, xl: XlIo, prompt: string, clock: RunClock): Promise<XlRow & { dims: number[] }> {
  const maxLength = pipeline.model.tokenizerMaxLength;
  const ids1 = pipeline.tokenizer.encode(prompt, { maxLength }).inputIds;
  const ids2 = pipeline.tokenizer2!.encode(prompt, { maxLength }).inputIds;
  const out1 = await clock.run(pipeline.textEncoder, { input_ids: idsTensor(ids1, pipeline.io.inputIds) }, 'text_encoder');
  const out2 = await clock.run(pipeline.textEncoder2!, { input_ids: idsTensor(ids2, xl.inputIds2) }, 'text_encoder_2');
  const first = out1[xl.penultimate1.name]!;
  const second = out2[xl.penultimate2.name]!;
  const a = readFloats(first, 'text_encoder');
  const b = readFloats(second, 'text_encoder_2');
  const tokens = first.dims[1]!;
  const widthA = first.dims[2]!;
  const widthB = second.dims[2]!;
  const hidden = new Float32Array(tokens * (widthA + widthB));
  for (let t = 0; t < tokens; t++) {
    hidden.set(a.subarray(t * widthA, (t + 1) * widthA), t * (widthA + widthB));
    hidden.set(b.subarray(t * widthB, (t + 1) * widthB), t * (widthA + widthB) + widthA);
  }
  return { hidden, pooled: Float32Array.from(readFloats(out2.text_embeds, 'text_encoder_2')), dims: [tokens, widthA + widthB] };
}

/** SDXL, as StableDiffusionXLPipeline conditions: both encoders, pooled embeddings, original/crop/target sizes. */
async function conditionXl(
  pipeline: LoadedPipeline,
  xl: XlIo,
  prompts: readonly string[],
  options: ConditioningOptions,
  clock: RunClock,
): Promise<Conditioning> {
  const encoded: Array<XlRow | undefined> = [];
  let dims: number[] = [];
  for (const [i, prompt] of prompts.entries()) {
    if (i === 0 && options.zeroFirst) {
      encoded.push(undefined);
      continue;
    }
    const row = await encodeXl(pipeline, xl, prompt, clock);
    dims = row.dims;
    encoded.push(row);
  }
  const pooledLength = encoded.find((row) => row !== undefined)!.pooled.length;
  const rows = encoded.map((row) => row ?? { hidden: new Float32Array(dims[0]! * dims[1]!), pooled: new Float32Array(pooledLength) });
  // original_size + crops_coords_top_left + target_size, with diffusers' defaults: the image's own size, no crop.
  const { height, width } = options;
  const timeIds = rows.map(() => Float32Array.from([height, width, 0, 0, height, width]));
  return {
    hidden: stack(rows.map((row) => row.hidden), dims, pipeline.io.unetHidden),
    added: {
      text_embeds: stack(rows.map((row) => row.pooled), [pooledLength], xl.textEmbeds),
      time_ids: stack(timeIds, [6], xl.timeIds),
    },
  };
}

export async function conditionOn(
  pipeline: LoadedPipeline,
  prompts: readonly string[],
  options: ConditioningOptions,
  clock: RunClock,
): Promise<Conditioning> {
  const xl = pipeline.io.xl;
  return xl ? conditionXl(pipeline, xl, prompts, options, clock) : conditionSd(pipeline, prompts, clock);
}
