import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePng, rgbRows } from '../../../../server/runner/pipeline/png-encoder.js';

async function decode(png: Buffer): Promise<{ data: number[]; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data: [...data], width: info.width, height: info.height, channels: info.channels };
}

function noise(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  });
}

describe('PNG encoding', () => {
  it.each([
    [8, 8],
    [5, 3],
    [1, 1],
    [64, 1],
    [1, 7],
  ])('decodes to exactly the RGB bytes it was given (%i×%i, rows of any byte length)', async (width, height) => {
    const rgb = noise(width * height * 3, width * 31 + height);
    const decoded = await decode(encodePng(width, height, rgbRows(rgb, width, height)));
    expect(decoded).toMatchObject({ width, height, channels: 3 });
    expect(decoded.data).toEqual([...rgb]);
  });

  it('keeps every byte difference between rows, wrapping below 0 and above 255', async () => {
    // Rows alternating 0 and 255 (and 1/254) give the Up filter its extreme differences in every byte lane.
    const width = 4;
    const rows = [0, 255, 1, 254, 128, 127].map((v) => Array.from({ length: width * 3 }, (_, i) => (i % 2 ? 255 - v : v)));
    const rgb = Uint8Array.from(rows.flat());
    expect((await decode(encodePng(width, rows.length, rgbRows(rgb, width, rows.length)))).data).toEqual([...rgb]);
  });

  it('encodes the same pixels to the same bytes', () => {
    const rgb = noise(16 * 16 * 3, 9);
    expect(encodePng(16, 16, rgbRows(rgb, 16, 16)).equals(encodePng(16, 16, rgbRows(rgb, 16, 16)))).toBe(true);
  });

  it('clamps and rounds the values a row writer stores', async () => {
    const png = encodePng(4, 1, (_, row) => row.set([-3, 0.4, 0.6, 127.5, 128.5, 300, 254.9, 1.5, 2.5, 255, 256, 1e9]));
    expect((await decode(png)).data).toEqual([0, 0, 1, 128, 128, 255, 255, 2, 2, 255, 255, 255]);
  });

  it('compresses a flat image to a small file', () => {
    const rgb = new Uint8Array(256 * 256 * 3).fill(200);
    expect(encodePng(256, 256, rgbRows(rgb, 256, 256)).length).toBeLessThan(2000);
  });

  it('refuses RGB bytes that do not match the size, and sizes that are not whole pixels', () => {
    expect(() => rgbRows(new Uint8Array(10), 2, 2)).toThrow(/10 bytes are not an RGB image of 2×2 \(12 bytes\)/);
    expect(() => encodePng(0, 4, () => {})).toThrow(/cannot encode a PNG of 0×4 pixels/);
  });
});
