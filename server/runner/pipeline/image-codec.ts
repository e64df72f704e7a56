// Pixels in and out of the pipeline with sharp: PNG encoding of RGB bytes, and an initial image as the VAE input.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { EaselError } from '../../core/errors.js';

/** Fixed options and no metadata, so the same pixels always give the same bytes. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
    .toBuffer();
}

export async function writePng(path: string, rgb: Uint8Array, width: number, height: number): Promise<void> {
  const png = await encodePng(rgb, width, height);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, png);
}

/**
 * RGB bytes (HWC) of a VAE output [3 × height × width] in [-1, 1]: (x/2 + 0.5)·255, clamped to [0, 255] and
 * rounded half to even (as numpy's round in diffusers' numpy_to_pil) — which a Uint8ClampedArray store does.
 */
export function chwToRgb(chw: Float32Array, height: number, width: number): Uint8Array {
  const plane = height * width;
  const rgb = new Uint8ClampedArray(plane * 3);
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    for (let p = 0, o = c; p < plane; p++, o += 3) rgb[o] = chw[base + p]! * 127.5 + 127.5;
  }
  return new Uint8Array(rgb.buffer);
}

/**
 * The initial image of an image-to-image request, resized (stretched, as diffusers does) to width × height, as a
 * VAE input: [3 × height × width] in [-1, 1]. Transparency is flattened onto black.
 */
export async function readInitImage(base64: string, width: number, height: number): Promise<Float32Array> {
  let raw: Buffer;
  try {
    raw = await sharp(Buffer.from(base64, 'base64'))
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EaselError('INVALID_INPUT', `the initial image could not be read as PNG or JPEG: ${reason}`, { cause: error });
  }
  const plane = width * height;
  if (raw.length !== plane * 3) {
    throw new EaselError('INVALID_INPUT', `the initial image decoded to ${raw.length} bytes; expected ${plane * 3} (RGB ${width}×${height})`);
  }
  const chw = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) chw[c * plane + p] = raw[p * 3 + c]! / 127.5 - 1;
  }
  return chw;
}
