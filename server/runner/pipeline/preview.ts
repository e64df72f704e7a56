// Cheap progress previews: a linear latent → RGB map at latent resolution, PNG-encoded, instead of a VAE decode.
import { encodePng, rgbRows } from './png-encoder.js';

/** factors[channel][rgb] applied to scaled latents, plus a bias per colour; the result is in about [-1, 1]. */
export interface LatentRgbMap {
  factors: number[][];
  bias: number[];
}

/** The widely used approximation for SD 1.x latents (as in ComfyUI's latent previews). */
const SD1_FACTORS = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

function isRow(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/**
 * vae_decoder/config.json `latent_rgb_factors` ([channels][3]) and `latent_rgb_bias` ([3]) when present and well
 * formed, else SD 1.x's factors for 4-channel latents, else no preview.
 */
export function latentRgbMap(vaeConfig: Record<string, unknown> | undefined, channels: number): LatentRgbMap | undefined {
  const factors = vaeConfig?.latent_rgb_factors;
  const bias = vaeConfig?.latent_rgb_bias;
  const validBias = isRow(bias, 3) ? bias : [0, 0, 0];
  if (Array.isArray(factors) && factors.length === channels && factors.every((row) => isRow(row, 3))) {
    return { factors: factors as number[][], bias: validBias };
  }
  return channels === SD1_FACTORS.length ? { factors: SD1_FACTORS, bias: [0, 0, 0] } : undefined;
}

/** RGB bytes (HWC) of scaled latents [channels × height × width] under the map: (x + 1)/2, clamped. */
export function latentToRgb(latents: Float32Array, map: LatentRgbMap, height: number, width: number): Uint8Array {
  const plane = height * width;
  const rgb = new Uint8Array(plane * 3);
  const channels = map.factors.length;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let value = map.bias[c]!;
      for (let j = 0; j < channels; j++) value += map.factors[j]![c]! * latents[j * plane + p]!;
      rgb[p * 3 + c] = Math.round(Math.min(Math.max(value / 2 + 0.5, 0), 1) * 255);
    }
  }
  return rgb;
}

export function previewPngBase64(latents: Float32Array, map: LatentRgbMap, height: number, width: number): string {
  return encodePng(width, height, rgbRows(latentToRgb(latents, map, height, width), width, height)).toString('base64');
}
