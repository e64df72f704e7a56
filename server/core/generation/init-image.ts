// The init image of an image-to-image request, checked once before its job is queued: PNG, JPEG or WebP, a
// pixel count read from the header and bounded before anything is decoded (a small file can claim a huge
// image), then decoded in full so a corrupt file fails here, as INVALID_INPUT, instead of inside the runner.
import sharp from 'sharp';
import { EaselError } from '../errors.js';

/** 4096×4096: far above what a model is given (the image is resized to the requested size) and small enough to decode safely. */
const MAX_INIT_IMAGE_PIXELS = 4096 * 4096;

const FORMATS = new Set(['png', 'jpeg', 'webp']);

function invalid(message: string, cause?: unknown): EaselError {
  return new EaselError('INVALID_INPUT', `image: ${message}`, cause === undefined ? undefined : { cause });
}

/** `image` as sent to generate.start: base64, optionally as a data URL. */
export async function checkInitImage(image: string): Promise<void> {
  const bytes = Buffer.from(image.replace(/^data:image\/[a-z]+;base64,/, ''), 'base64');
  if (bytes.length === 0) throw invalid('the image is empty or not base64');
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    // metadata() reads the header only; the bound is checked below with a message naming the size.
    ({ format, width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (cause) {
    throw invalid('not a readable PNG, JPEG or WebP image', cause);
  }
  if (format === undefined || !FORMATS.has(format)) throw invalid(`the format is ${format ?? 'unknown'}; send a PNG, JPEG or WebP image`);
  if (width * height > MAX_INIT_IMAGE_PIXELS || width === 0 || height === 0) {
    throw invalid(`${width}×${height} pixels is more than the ${MAX_INIT_IMAGE_PIXELS} pixels allowed (4096×4096); send a smaller image`);
  }
  try {
    await sharp(bytes, { limitInputPixels: MAX_INIT_IMAGE_PIXELS, failOn: 'error' }).raw().toBuffer();
  } catch (cause) {
    throw invalid(`the ${format.toUpperCase()} data is corrupt or truncated`, cause);
  }
}
