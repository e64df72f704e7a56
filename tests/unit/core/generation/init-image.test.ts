// The init image check: PNG/JPEG/WebP only, the pixel count bounded from the header before any decoding,
// corrupt data refused; every refusal is INVALID_INPUT.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkInitImage } from '../../../../server/core/generation/init-image.js';
import { pngClaiming } from '../../../helpers/png-claiming.js';

async function refusal(image: string): Promise<{ code: string; message: string }> {
  return checkInitImage(image).then(
    () => ({ code: 'none', message: '' }),
    (error: { code: string; message: string }) => error,
  );
}

describe('checkInitImage', () => {
  it('refuses a PNG whose header claims 60000×60000 from the header alone', async () => {
    // Decoding would have failed on the missing rows ("corrupt"); the pixel count is refused first.
    expect(await refusal(pngClaiming(60000, 60000))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/60000×60000 pixels is more than/) });
  });

  it('accepts PNG, JPEG and WebP, with or without a data URL prefix', async () => {
    const pixels = sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 10, b: 10 } } });
    const png = (await pixels.clone().png().toBuffer()).toString('base64');
    await expect(checkInitImage(png)).resolves.toBeUndefined();
    await expect(checkInitImage(`data:image/png;base64,${png}`)).resolves.toBeUndefined();
    await expect(checkInitImage((await pixels.clone().jpeg().toBuffer()).toString('base64'))).resolves.toBeUndefined();
    await expect(checkInitImage((await pixels.clone().webp().toBuffer()).toString('base64'))).resolves.toBeUndefined();
  });

  it('refuses other formats, corrupt data and nothing at all', async () => {
    const gif = (await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer()).toString('base64');
    expect(await refusal(gif)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/format is gif/) });
    expect(await refusal(pngClaiming(64, 64))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/corrupt or truncated/) });
    expect(await refusal(Buffer.from('hello').toString('base64'))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await refusal('')).toMatchObject({ code: 'INVALID_INPUT' });
  });
});
