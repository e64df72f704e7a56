import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoConfigs } from '../../../../server/demo-model/configs.js';
import { demoLatent, renderDemoReference } from '../../../../server/demo-model/index.js';
import { latentRgbMap, latentToRgb, previewPngBase64 } from '../../../../server/runner/pipeline/preview.js';

const demoVaeConfig = demoConfigs()['vae_decoder/config.json'] as Record<string, unknown>;
const prompt = 'a red circle on a blue background';

function pixel(rgb: Uint8Array, width: number, x: number, y: number): number[] {
  const i = (y * width + x) * 3;
  return [...rgb.subarray(i, i + 3)];
}

describe('latent previews', () => {
  it("reads the colour map from the VAE's config when it has one", () => {
    const map = latentRgbMap({ latent_rgb_factors: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], latent_rgb_bias: [0.5, 0, 0] }, 4);
    expect(map).toEqual({ factors: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], bias: [0.5, 0, 0] });
  });

  it("falls back to SD 1.x's factors for 4-channel latents, and to no preview otherwise", () => {
    expect(latentRgbMap(undefined, 4)?.factors[0]).toEqual([0.3512, 0.2297, 0.3227]);
    expect(latentRgbMap({ latent_rgb_factors: [[1, 2]] }, 4)?.factors).toHaveLength(4);
    expect(latentRgbMap(undefined, 16)).toBeUndefined();
  });

  it("shows the demo model's x₀ in the colours its decoder gives", () => {
    const map = latentRgbMap(demoVaeConfig, 4)!;
    const latent = Float32Array.from(demoLatent(prompt, 16, 16));
    const preview = latentToRgb(latent, map, 16, 16);
    const decoded = renderDemoReference(prompt, 128, 128, 1).rgb;
    // Inside the circle and in a corner the decoded image is flat, so its pixels equal the preview's.
    expect(pixel(preview, 16, 8, 8)).toEqual(pixel(decoded, 128, 64, 64));
    expect(pixel(preview, 16, 0, 0)).toEqual(pixel(decoded, 128, 0, 0));
    expect(pixel(preview, 16, 8, 8)).toEqual([255, 0, 0]);
  });

  it('encodes the preview as a PNG at latent resolution', async () => {
    const map = latentRgbMap(demoVaeConfig, 4)!;
    const latent = Float32Array.from(demoLatent(prompt, 8, 12));
    const png = Buffer.from(previewPngBase64(latent, map, 8, 12), 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 12, height: 8, channels: 3, format: 'raw' });
    expect([...data]).toEqual([...latentToRgb(latent, map, 8, 12)]);
  });
});
