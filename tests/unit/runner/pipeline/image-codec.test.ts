import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chwRows, readInitImage, writeImagePng } from '../../../../server/runner/pipeline/image-codec.js';
import { mountSmallTmpfs } from '../../../helpers/small-tmpfs.js';

function rowsOf(chw: Float32Array, width: number, height: number): number[][] {
  const write = chwRows(chw, width, height);
  return Array.from({ length: height }, (_, y) => {
    const row = new Uint8ClampedArray(width * 3);
    write(y, row);
    return [...row];
  });
}

describe('pixels in and out of the pipeline', () => {
  it('maps VAE output from [-1, 1] to bytes as SD post-processing does, clamping the rest', () => {
    const chw = Float32Array.of(-1, 0, /* green */ 1, 2, /* blue */ -2, 0.5);
    expect(rowsOf(chw, 2, 1)).toEqual([[0, 255, 0, 128, 255, 191]]);
  });

  it('gives each row its own pixels, top first', () => {
    // A 1×2 image: red on top, blue below.
    const chw = Float32Array.of(1, -1, /* green */ -1, -1, /* blue */ -1, 1);
    expect(rowsOf(chw, 1, 2)).toEqual([
      [255, 0, 0],
      [0, 0, 255],
    ]);
  });

  it('refuses an image whose size does not match its values', () => {
    expect(() => chwRows(new Float32Array(5), 2, 1)).toThrow(/5 values are not a 3 × 1 × 2 image/);
  });

  it('writes the image as a PNG file, creating its folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'easel-image-codec-'));
    try {
      const chw = Float32Array.from({ length: 3 * 4 * 6 }, (_, i) => Math.sin(i) * 1.2);
      const path = join(root, 'nested', 'out.png');
      await writeImagePng(path, chw, 6, 4);
      const { data, info } = await sharp(await readFile(path)).raw().toBuffer({ resolveWithObject: true });
      expect(info).toMatchObject({ width: 6, height: 4, channels: 3 });
      expect(Array.from({ length: 4 }, (_, y) => [...data.subarray(y * 18, (y + 1) * 18)])).toEqual(rowsOf(chw, 6, 4));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('leaves neither a partial file nor a temporary one when the disk is full', async () => {
    const disk = await mountSmallTmpfs(1);
    try {
      await disk.fill();
      const chw = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.37));
      await expect(writeImagePng(join(disk.path, 'out.png'), chw, 64, 64)).rejects.toMatchObject({ code: 'ENOSPC' });
      expect((await readdir(disk.path)).filter((name) => !name.startsWith('filler-'))).toEqual([]);
    } finally {
      await disk.unmount();
    }
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
