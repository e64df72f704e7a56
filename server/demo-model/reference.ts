// Pure TypeScript mirror of the demo pipeline's fixed point: the scaled latent a prompt describes, and the
// image a sampler converges to for a prompt at a guidance scale.
import { EaselError } from '../core/errors.js';
import { numberArith } from './arith.js';
import { demoTokenIds } from './clip-vocab.js';
import { sceneLatent } from './scene.js';
import { encodeDemoTokens, HIDDEN } from './text-encoder.js';
import { decodeScaledLatent, LATENT_CHANNELS, VAE_SCALE } from './vae.js';

/** The scaled latent x₀ [4 × height × width] (latent pixels) the demo UNet draws for `prompt`. */
export function demoLatent(prompt: string, height: number, width: number): Float64Array {
  const hidden = encodeDemoTokens(demoTokenIds(prompt));
  const pooled = new Float64Array(HIDDEN.width);
  hidden.forEach((v, i) => (pooled[i % HIDDEN.width]! += v));
  const shorter = Math.min(height, width);
  const plane = height * width;
  const out = new Float64Array(LATENT_CHANNELS * plane);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const values = sceneLatent(numberArith, {
        feature: (channel) => pooled[channel]!,
        x: (2 * (col + 0.5) - width) / shorter,
        y: (2 * (row + 0.5) - height) / shorter,
        halfWidth: width / shorter,
        halfHeight: height / shorter,
        pixelsPerUnit: 0.5 * shorter,
      });
      values.forEach((v, j) => (out[j * plane + row * width + col] = v));
    }
  }
  return out;
}

/** The image (RGB, HWC, width × height) the demo pipeline converges to for `prompt` at `guidance`: x₀ of the
 * prompt extrapolated from x₀ of the empty prompt, decoded and post-processed as SD does. */
export function renderDemoReference(prompt: string, width: number, height: number, guidance: number): { rgb: Uint8Array } {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value <= 0 || value % VAE_SCALE !== 0) {
      throw new EaselError('INVALID_INPUT', `demo reference ${name} must be a positive multiple of ${VAE_SCALE}, got ${value}`);
    }
  }
  const h = height / VAE_SCALE;
  const w = width / VAE_SCALE;
  const conditional = demoLatent(prompt, h, w);
  const unconditional = demoLatent('', h, w);
  const guided = conditional.map((c, i) => unconditional[i]! + guidance * (c - unconditional[i]!));
  return { rgb: decodeScaledLatent(guided, h, w) };
}
