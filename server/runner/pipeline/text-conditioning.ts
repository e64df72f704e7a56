// Prompts → CLIP token ids → text encoder → the UNet's encoder_hidden_states, one batch entry per prompt.
import ort from 'onnxruntime-node';
import type { LoadedPipeline } from './loaded-pipeline.js';
import type { RunClock } from './run-clock.js';
import { floatTensor, readFloats } from './tensor-dtypes.js';

function idsTensor(ids: number[], type: 'int32' | 'int64'): ort.Tensor {
  const dims = [1, ids.length];
  if (type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), dims);
  return new ort.Tensor('int32', Int32Array.from(ids), dims);
}

/**
 * Hidden states [prompts.length, tokens, width] in the UNet's dtype. Each prompt is encoded on its own, as
 * diffusers' ONNX pipeline does, because exported text encoders often fix their batch at one.
 */
export async function encodePrompts(pipeline: LoadedPipeline, prompts: readonly string[], clock: RunClock): Promise<ort.Tensor> {
  const maxLength = pipeline.model.tokenizerMaxLength;
  const rows: Float32Array[] = [];
  let rowDims: readonly number[] = [];
  for (const prompt of prompts) {
    const { inputIds } = pipeline.tokenizer.encode(prompt, { maxLength });
    const out = await clock.run(pipeline.textEncoder, { input_ids: idsTensor(inputIds, pipeline.io.inputIds) }, 'text_encoder');
    const hidden = out.last_hidden_state;
    rows.push(readFloats(hidden, 'text_encoder'));
    rowDims = hidden!.dims;
  }
  if (rows.length === 1) return floatTensor(rows[0]!, rowDims, pipeline.io.unetHidden);
  const batch = new Float32Array(rows.reduce((sum, row) => sum + row.length, 0));
  rows.forEach((row, i) => batch.set(row, i * row.length));
  return floatTensor(batch, [rows.length, ...rowDims.slice(1)], pipeline.io.unetHidden);
}
