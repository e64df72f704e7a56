import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alphasCumprod, renderDemoReference, VAE_SCALING_FACTOR } from '../../../server/demo-model/index.js';
import { decodeToPixels, encodePrompts, gaussian, openDemoModel, pixelAt, psnr, runUnet, type DemoModel } from '../../unit/demo-model/demo-fixture.js';

/** A minimal deterministic DDIM (η = 0) with classifier-free guidance, as diffusers runs it for SD 1.5
 * ("leading" spacing, steps_offset 1, final ᾱ = alphas_cumprod[0]). Returns the scaled latents it ends with. */
async function sampleDdim(model: DemoModel, alphas: Float32Array, prompt: string, guidance: number, steps: number, size: number) {
  const hidden = await encodePrompts(model, ['', prompt]);
  const plane = 4 * size * size;
  const stride = alphas.length / steps;
  let latents = gaussian(plane, 1234);
  for (let i = 0; i < steps; i++) {
    const t = (steps - 1 - i) * stride + 1;
    const batch = new Float32Array(2 * plane);
    batch.set(latents, 0);
    batch.set(latents, plane);
    const noise = await runUnet(model, new ort.Tensor('float32', batch, [2, 4, size, size]), t, hidden);
    const alphaBar = alphas[t]!;
    const alphaPrev = t - stride >= 0 ? alphas[t - stride]! : alphas[0]!;
    latents = latents.map((x, k) => {
      const eps = noise[k]! + guidance * (noise[plane + k]! - noise[k]!);
      const x0 = (x - Math.sqrt(1 - alphaBar) * eps) / Math.sqrt(alphaBar);
      return Math.sqrt(alphaPrev) * x0 + Math.sqrt(1 - alphaPrev) * eps;
    });
  }
  return latents;
}

describe('sampling the demo model', () => {
  let model: DemoModel;
  let alphas: Float32Array;
  beforeAll(async () => {
    model = await openDemoModel();
    alphas = alphasCumprod(JSON.parse(await readFile(join(model.dir, 'scheduler/scheduler_config.json'), 'utf8')));
  });
  afterAll(() => model.close());

  it.each([7.5, 1])('converges from pure noise in 20 DDIM steps to the reference image at guidance %s', async (guidance) => {
    const prompt = 'a red circle on a blue background';
    const latents = await sampleDdim(model, alphas, prompt, guidance, 20, 64);
    const rgb = await decodeToPixels(model, latents.map((v) => v / VAE_SCALING_FACTOR), 64, 64);
    const reference = renderDemoReference(prompt, 512, 512, guidance).rgb;
    expect(psnr(rgb, reference)).toBeGreaterThanOrEqual(30);
    // What is left of the noise after the last step (√(1 − ᾱ₀) ≈ 0.03) may shift a pixel by a few levels.
    const [r, g, b] = pixelAt(rgb, 512, 256, 256);
    expect(r).toBeGreaterThan(240);
    expect(Math.max(g, b)).toBeLessThan(16);
  });
});
