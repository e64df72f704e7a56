// Shared by the demo-model tests: the demo model built into a temporary folder, its four ONNX sessions, and
// the small image measures the tests compare with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildDemoModel, demoTokenIds } from '../../../server/demo-model/index.js';

export interface DemoModel {
  dir: string;
  textEncoder: ort.InferenceSession;
  unet: ort.InferenceSession;
  decoder: ort.InferenceSession;
  encoder: ort.InferenceSession;
  close(): Promise<void>;
}

export async function openDemoModel(): Promise<DemoModel> {
  const dir = await mkdtemp(join(tmpdir(), 'easel-demo-'));
  await buildDemoModel(dir);
  const open = (part: string) => ort.InferenceSession.create(join(dir, part, 'model.onnx'), { intraOpNumThreads: 1 });
  const [textEncoder, unet, decoder, encoder] = await Promise.all(['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'].map(open));
  return {
    dir,
    textEncoder: textEncoder!,
    unet: unet!,
    decoder: decoder!,
    encoder: encoder!,
    async close() {
      await Promise.all([textEncoder, unet, decoder, encoder].map((s) => s!.release()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function idsTensor(ids: Int32Array[]): ort.Tensor {
  const data = new Int32Array(ids.length * 77);
  ids.forEach((row, i) => data.set(row, i * 77));
  return new ort.Tensor('int32', data, [ids.length, 77]);
}

/** last_hidden_state for a batch of prompts. */
export async function encodePrompts(model: DemoModel, prompts: string[]): Promise<ort.Tensor> {
  const out = await model.textEncoder.run({ input_ids: idsTensor(prompts.map(demoTokenIds)) });
  return out.last_hidden_state!;
}

export async function runUnet(model: DemoModel, sample: ort.Tensor, t: number, hidden: ort.Tensor): Promise<Float32Array> {
  const out = await model.unet.run({
    sample,
    timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
    encoder_hidden_states: hidden,
  });
  return out.out_sample!.data as Float32Array;
}

/** Decodes unscaled latents [1, 4, h, w] and post-processes as SD does: RGB, HWC, 0–255. */
export async function decodeToPixels(model: DemoModel, latent: Float32Array, height: number, width: number): Promise<Uint8Array> {
  const out = await model.decoder.run({ latent_sample: new ort.Tensor('float32', latent, [1, 4, height, width]) });
  return chwToPixels(out.sample!.data as Float32Array, height * 8, width * 8);
}

export function chwToPixels(chw: Float32Array, height: number, width: number): Uint8Array {
  const plane = height * width;
  const rgb = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round(Math.min(Math.max(chw[c * plane + p]! / 2 + 0.5, 0), 1) * 255);
  }
  return rgb;
}

export function pixelAt(rgb: Uint8Array, width: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * 3;
  return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Deterministic standard normal samples (mulberry32 + Box–Muller). */
export function gaussian(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}
