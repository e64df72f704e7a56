// Pixels in and out of the pipeline: a VAE output as PNG rows and the output file, and an initial image (read with
// sharp) as the VAE input.
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { addPngText } from '../../../client/png-text.js';
import { EaselError } from '../../core/errors.js';
import { PARTIAL_IMAGE_SUFFIX } from '../../storage/partial-image.js';
import { encodePng, type RowWriter } from './png-encoder.js';

/**
 * RGB rows of a VAE output [3 × height × width] in [-1, 1]: (x/2 + 0.5)·255, clamped to [0, 255] and rounded half
 * to even (as numpy's round in diffusers' numpy_to_pil), which the row's Uint8ClampedArray store does.
 */
export function chwRows(chw: Float32Array, width: number, height: number): RowWriter {
  const plane = height * width;
  if (chw.length !== plane * 3) {
    throw new EaselError('GENERATION_FAILED', `${chw.length} values are not a 3 × ${height} × ${width} image`);
  }
  return (y, row) => {
    for (let x = 0, p = y * width, o = 0; x < width; x++, p++, o += 3) {
      row[o] = chw[p]! * 127.5 + 127.5;
      row[o + 1] = chw[plane + p]! * 127.5 + 127.5;
      row[o + 2] = chw[2 * plane + p]! * 127.5 + 127.5;
    }
  };
}

/**
 * Writes a VAE output [3 × height × width] in [-1, 1] as a PNG file (with text chunks), creating its folder. The bytes go to a
 * temporary name in the same folder, renamed once complete: a full disk or a crash never leaves a partial file
 * under the final name.
 */
export async function writeImagePng(path: string, chw: Float32Array, width: number, height: number, text: Readonly<Record<string, string>> = {}): Promise<void> {
  const png = addPngText(encodePng(width, height, chwRows(chw, width, height)), text);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}${PARTIAL_IMAGE_SUFFIX}`;
  try {
    await writeFile(temporary, png);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
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
