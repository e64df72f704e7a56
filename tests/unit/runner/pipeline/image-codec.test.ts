import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chwToRgb, encodePng, readInitImage } from '../../../../server/runner/pipeline/image-codec.js';

describe('pixels in and out of the pipeline', () => {
  it('maps VAE output from [-1, 1] to bytes as SD post-processing does, clamping the rest', () => {
    const chw = Float32Array.of(-1, 0, /* green */ 1, 2, /* blue */ -2, 0.5);
    expect([...chwToRgb(chw, 1, 2)]).toEqual([0, 255, 0, 128, 255, 191]);
  });

  it('encodes the same pixels to the same PNG bytes', async () => {
    const rgb = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37) % 256);
    const [a, b] = await Promise.all([encodePng(rgb, 8, 8), encodePng(rgb, 8, 8)]);
    expect(a.equals(b)).toBe(true);
    const { data } = await sharp(a).raw().toBuffer({ resolveWithObject: true });
    expect([...data]).toEqual([...rgb]);
  });

  it('reads an initial image as [3 × height × width] in [-1, 1], resized and with transparency on black', async () => {
    const rgba = Buffer.from([255, 0, 0, 255, 0, 0, 255, 0]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    const chw = await readInitImage(png.toString('base64'), 2, 1);
    expect([...chw]).toEqual([1, -1, -1, -1, -1, -1]);
    expect(await readInitImage(png.toString('base64'), 16, 8)).toHaveLength(3 * 16 * 8);
  });

  it('refuses bytes that are not an image as INVALID_INPUT', async () => {
    await expect(readInitImage(Buffer.from('not an image').toString('base64'), 8, 8)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^the initial image could not be read as PNG or JPEG/),
    });
  });
});
