import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alphaBarAt,
  alphasCumprod,
  demoLatent,
  DEMO_COLOURS,
  DEMO_SHAPES,
  demoTokenIds,
  renderDemoReference,
  VAE_SCALING_FACTOR,
} from '../../../server/demo-model/index.js';
import { encodeDemoTokens } from '../../../server/demo-model/text-encoder.js';
import { decodeToPixels, encodePrompts, gaussian, idsTensor, openDemoModel, pixelAt, psnr, runUnet, type DemoModel } from './demo-fixture.js';

const PROMPT = 'a red circle on a blue background';

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('demo model graphs', () => {
  let model: DemoModel;
  let alphas: Float32Array;
  beforeAll(async () => {
    model = await openDemoModel();
    alphas = alphasCumprod(JSON.parse(await readFile(join(model.dir, 'scheduler/scheduler_config.json'), 'utf8')));
  });
  afterAll(() => model.close());

  it('text encoder outputs what its TypeScript mirror computes, ignoring tokens after the end token', async () => {
    const garbage = demoTokenIds('red');
    garbage.set(demoTokenIds('blue star background').subarray(1, 5), 4);
    const rows = [demoTokenIds(PROMPT), demoTokenIds(''), demoTokenIds('a small green star at the top left, pink backdrop'), garbage];
    const out = await model.textEncoder.run({ input_ids: idsTensor(rows) });
    const hidden = out.last_hidden_state!.data as Float32Array;
    const expected = rows.flatMap((ids) => Array.from(encodeDemoTokens(ids)));
    expect(hidden).toHaveLength(expected.length);
    expect(maxAbsDifference(hidden, expected)).toBeLessThan(1e-6);
  });

  it.each([
    [64, 64],
    [24, 40],
    [9, 13],
  ])('UNet predicts exactly the noise that leads to the prompt picture on a %i×%i latent', async (height, width) => {
    const prompts = [PROMPT, '', 'a huge yellow heart at the bottom right on a purple background'];
    const hidden = await encodePrompts(model, prompts);
    const plane = 4 * height * width;
    const x0 = prompts.map((p) => demoLatent(p, height, width));
    for (const t of [1, 321.37, 500, 980.5, 999]) {
      const sample = gaussian(prompts.length * plane, Math.round(t * 100));
      const noise = await runUnet(model, new ort.Tensor('float32', sample, [prompts.length, 4, height, width]), t, hidden);
      const alphaBar = alphaBarAt(alphas, t);
      const expected = Array.from(sample, (x, i) => (x - Math.sqrt(alphaBar) * x0[Math.floor(i / plane)]![i % plane]!) / Math.sqrt(1 - alphaBar));
      expect(maxAbsDifference(noise, expected), `t=${t}`).toBeLessThan(2e-4);
    }
  });

  it('UNet draws every colour and shape word as the reference does', async () => {
    const prompts = [
      ...Object.keys(DEMO_COLOURS).map((colour) => `a large ${colour} square on a ${colour === 'black' ? 'white' : 'black'} background`),
      ...DEMO_SHAPES.map((shape) => `a white ${shape} on a black background`),
    ];
    const hidden = await encodePrompts(model, prompts);
    const plane = 4 * 16 * 16;
    const t = 500;
    const sample = gaussian(prompts.length * plane, 99);
    const noise = await runUnet(model, new ort.Tensor('float32', sample, [prompts.length, 4, 16, 16]), t, hidden);
    const alphaBar = alphaBarAt(alphas, t);
    const x0 = prompts.map((prompt, b) =>
      Float32Array.from({ length: plane }, (_, i) => (sample[b * plane + i]! - Math.sqrt(1 - alphaBar) * noise[b * plane + i]!) / Math.sqrt(alphaBar)),
    );
    prompts.forEach((prompt, b) => expect(maxAbsDifference(x0[b]!, demoLatent(prompt, 16, 16)), prompt).toBeLessThan(1e-4));
    for (let i = 0; i < prompts.length; i++) {
      for (let j = i + 1; j < prompts.length; j++) {
        if (prompts[i]!.includes('grey') && prompts[j]!.includes('gray')) continue;
        expect(maxAbsDifference(x0[i]!, x0[j]!), `${prompts[i]} vs ${prompts[j]}`).toBeGreaterThan(0.1);
      }
    }
  });

  it('decodes the UNet\'s x₀ for "a red circle on a blue background" to a red disc on blue at 512×512', async () => {
    const hidden = await encodePrompts(model, [PROMPT]);
    // At the last training step x₀ follows from the prediction: x₀ = (x_t − √(1−ᾱ)·ε) / √ᾱ.
    const sample = gaussian(4 * 64 * 64, 7);
    const t = 1;
    const noise = await runUnet(model, new ort.Tensor('float32', sample, [1, 4, 64, 64]), t, hidden);
    const alphaBar = alphaBarAt(alphas, t);
    const z = sample.map((x, i) => (x - Math.sqrt(1 - alphaBar) * noise[i]!) / Math.sqrt(alphaBar) / VAE_SCALING_FACTOR);
    const rgb = await decodeToPixels(model, z, 64, 64);
    expect(pixelAt(rgb, 512, 256, 256)).toEqual([255, 0, 0]);
    for (const [x, y] of [[0, 0], [511, 0], [0, 511], [511, 511]] as const) expect(pixelAt(rgb, 512, x, y)).toEqual([0, 0, 255]);
  });

  it.each([1, 7.5])('decodes guided latents to the reference image at guidance %s', async (guidance) => {
    for (const prompt of [PROMPT, 'a tiny white star in the upper right on a navy background', 'an orange cross']) {
      const conditional = demoLatent(prompt, 40, 32);
      const unconditional = demoLatent('', 40, 32);
      const z = Float32Array.from(conditional, (c, i) => (unconditional[i]! + guidance * (c - unconditional[i]!)) / VAE_SCALING_FACTOR);
      const decoded = await decodeToPixels(model, z, 40, 32);
      const reference = renderDemoReference(prompt, 256, 320, guidance).rgb;
      expect(maxAbsDifference(decoded, reference), prompt).toBeLessThanOrEqual(1);
    }
  });

  it('encodes a flat colour to the latent the UNet draws for it, in the diffusers convention (pipeline scales by 0.18215)', async () => {
    const image = new Float32Array(3 * 64 * 64);
    image.fill(-1, 0, 2 * 64 * 64);
    image.fill(1, 2 * 64 * 64);
    const out = await model.encoder.run({ sample: new ort.Tensor('float32', image, [1, 3, 64, 64]) });
    const scaled = (out.latent_sample!.data as Float32Array).map((v) => v * VAE_SCALING_FACTOR);
    expect(out.latent_sample!.dims).toEqual([1, 4, 8, 8]);
    // The decoder's quarter-level bias is all that separates the two.
    expect(maxAbsDifference(scaled, demoLatent('blue background', 8, 8))).toBeLessThan(3e-3);
    const decoded = await decodeToPixels(model, out.latent_sample!.data as Float32Array, 8, 8);
    expect(decoded.every((v, i) => v === (i % 3 === 2 ? 255 : 0))).toBe(true);
  });

  it('round-trips an image through encoder and decoder', async () => {
    const reference = renderDemoReference(PROMPT, 256, 256, 1).rgb;
    const chw = new Float32Array(3 * 256 * 256);
    reference.forEach((v, i) => (chw[(i % 3) * 256 * 256 + Math.floor(i / 3)] = (v / 255) * 2 - 1));
    const encoded = await model.encoder.run({ sample: new ort.Tensor('float32', chw, [1, 3, 256, 256]) });
    const decoded = await decodeToPixels(model, encoded.latent_sample!.data as Float32Array, 32, 32);
    expect(psnr(decoded, reference)).toBeGreaterThan(30);
  });
});
