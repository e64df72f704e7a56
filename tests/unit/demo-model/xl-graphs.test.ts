import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { alphasCumprod, demoTokenIds } from '../../../server/demo-model/index.js';
import { DEMO_SCHEDULER_CONFIG } from '../../../server/demo-model/noise-schedule.js';
import { HIDDEN } from '../../../server/demo-model/text-encoder.js';
import { buildUnet } from '../../../server/demo-model/unet.js';
import { buildXlTextEncoder } from '../../../server/demo-model/xl.js';
import type { GraphBuilder } from '../../../server/onnx-build/graph-builder.js';
import { gaussian } from './demo-fixture.js';

const W = HIDDEN.width;
const TOKENS = 77;
const SIDE = 8;
const open = (g: GraphBuilder) => ort.InferenceSession.create(g.serialize().model, { intraOpNumThreads: 1 });

let first: ort.InferenceSession;
let second: ort.InferenceSession;
let unet: ort.InferenceSession;
let out1: ort.InferenceSession.OnnxValueMapType;
let out2: ort.InferenceSession.OnnxValueMapType;

beforeAll(async () => {
  [first, second, unet] = await Promise.all([open(buildXlTextEncoder('first')), open(buildXlTextEncoder('second')), open(buildUnet(alphasCumprod(DEMO_SCHEDULER_CONFIG), 'epsilon', true))]);
  const ids = new ort.Tensor('int32', demoTokenIds('a red circle on a blue background'), [1, TOKENS]);
  [out1, out2] = await Promise.all([first.run({ input_ids: ids }), second.run({ input_ids: ids })]);
});

const floats = (t: ort.Tensor | undefined) => t!.data as Float32Array;

/** [1, 77, 2W]: the two encoders' outputs side by side per token, in the given order. */
function concat(a: Float32Array, b: Float32Array): ort.Tensor {
  const out = new Float32Array(TOKENS * 2 * W);
  for (let t = 0; t < TOKENS; t++) {
    out.set(a.subarray(t * W, (t + 1) * W), t * 2 * W);
    out.set(b.subarray(t * W, (t + 1) * W), t * 2 * W + W);
  }
  return new ort.Tensor('float32', out, [1, TOKENS, 2 * W]);
}

async function epsilon(hidden: ort.Tensor, textEmbeds: Float32Array, timeIds: number[]): Promise<Float32Array> {
  const sample = new ort.Tensor('float32', gaussian(4 * SIDE * SIDE, 5), [1, 4, SIDE, SIDE]);
  const out = await unet.run({
    sample,
    timestep: new ort.Tensor('float32', Float32Array.from([500]), [1]),
    encoder_hidden_states: hidden,
    text_embeds: new ort.Tensor('float32', textEmbeds, [1, W]),
    time_ids: new ort.Tensor('float32', Float32Array.from(timeIds), [1, 6]),
  });
  return floats(out.out_sample);
}

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const RIGHT_TIME_IDS = [SIDE * 8, SIDE * 8, 0, 0, SIDE * 8, SIDE * 8];

describe('easel-demo-xl graphs', () => {
  it('splits the features between the penultimate layers of the two encoders and spoils the last layer', () => {
    const penultimate1 = floats(out1['hidden_states.1']);
    const penultimate2 = floats(out2['hidden_states.1']);
    const channel = (data: Float32Array, c: number) => Array.from({ length: TOKENS }, (_, t) => data[t * W + c]!);
    expect(channel(penultimate1, HIDDEN.foreground).some((v) => v !== 0)).toBe(true);
    expect(channel(penultimate1, HIDDEN.shapes).every((v) => v === 0)).toBe(true);
    expect(channel(penultimate2, HIDDEN.foreground).every((v) => v === 0)).toBe(true);
    expect(channel(penultimate2, HIDDEN.shapes).some((v) => v !== 0)).toBe(true);
    expect(Array.from(floats(out1.last_hidden_state))).toEqual(Array.from(penultimate1, (v) => -v));
  });

  it('predicts the same noise only when both halves, text_embeds and time_ids are what the pipeline sends', async () => {
    const hidden1 = floats(out1['hidden_states.1']);
    const hidden2 = floats(out2['hidden_states.1']);
    const pooled = floats(out2.text_embeds);
    const right = await epsilon(concat(hidden1, hidden2), pooled, RIGHT_TIME_IDS);
    const cases: Array<[string, Promise<Float32Array>]> = [
      ['halves swapped', epsilon(concat(hidden2, hidden1), pooled, RIGHT_TIME_IDS)],
      ['last layers', epsilon(concat(floats(out1.last_hidden_state), floats(out2.last_hidden_state)), pooled, RIGHT_TIME_IDS)],
      ['no text_embeds', epsilon(concat(hidden1, hidden2), new Float32Array(W), RIGHT_TIME_IDS)],
      ['a crop in time_ids', epsilon(concat(hidden1, hidden2), pooled, [64, 64, 8, 0, 64, 64])],
      ['another size in time_ids', epsilon(concat(hidden1, hidden2), pooled, [1024, 1024, 0, 0, 1024, 1024])],
    ];
    for (const [what, wrong] of cases) expect(maxDifference(await wrong, right), what).toBeGreaterThan(0.05);
  });
});
