// PNG text chunks: written before IEND with valid CRCs (sharp still reads the image), read back, Latin-1 or UTF-8.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { addPngText, readPngText } from '../../../client/png-text.js';

async function tinyPng(): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: 4, height: 3, channels: 3, background: '#ff0000' } }).png().toBuffer());
}

describe('PNG text chunks', () => {
  it('adds a tEXt chunk that reads back, leaving the image readable', async () => {
    const png = addPngText(await tinyPng(), { parameters: 'a red circle\nSteps: 20, Seed: 1' });
    expect(readPngText(png)).toEqual({ parameters: 'a red circle\nSteps: 20, Seed: 1' });
    expect(Buffer.from(png).includes(Buffer.from('tEXtparameters'))).toBe(true);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([4, 3]);
    // libpng checks every chunk's CRC when it decodes the pixels.
    await expect(sharp(png).raw().toBuffer()).resolves.toHaveLength(36);
  });

  it('writes text outside Latin-1 as UTF-8 iTXt', async () => {
    const png = addPngText(await tinyPng(), { parameters: 'un cœur vert — 緑のハート' });
    expect(Buffer.from(png).includes(Buffer.from('iTXtparameters'))).toBe(true);
    expect(readPngText(png).parameters).toBe('un cœur vert — 緑のハート');
    await expect(sharp(png).raw().toBuffer()).resolves.toHaveLength(36);
  });

  it('reads nothing from bytes that are not a PNG', () => {
    expect(readPngText(new TextEncoder().encode('GIF89a'))).toEqual({});
  });
});
