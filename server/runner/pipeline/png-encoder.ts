// PNG encoding of 8-bit RGB images, synchronous and in-process, one row at a time: for a 64×64 preview or a flat
// 512×512 image, sharp's per-call cost (a thread-pool hop and a libvips pipeline) was larger than the encode itself,
// and taking rows from the caller spares the whole-image RGB copy of a decoded image.
import { constants, crc32, deflateSync } from 'node:zlib';
import { EaselError } from '../../core/errors.js';

/**
 * Writes row `y` (top first) as width × 3 RGB bytes into `row`. Clamped, so a writer may store unrounded values:
 * they are clamped to [0, 255] and rounded half to even.
 */
export type RowWriter = (y: number, row: Uint8ClampedArray) => void;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FILTER_UP = 2;
/**
 * Run-length matches only: under the Up filter, flat and smooth areas become runs of zeros and small values, which
 * RLE finds at a fraction of the time of zlib's default matching. Measured at 512×512: the demo's flat image 8.4 KB
 * and a photo 0.56 MB, against 9.7 KB and 0.72 MB from sharp at level 6 unfiltered, in about half the time.
 */
const DEFLATE = { level: 1, strategy: constants.Z_RLE } as const;

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, tail]);
}

/**
 * PNG filter 2 ("Up"), out = row − above bytewise mod 256, four bytes per operation (about 3× a byte loop): each
 * lane's high bit is set in the minuend and cleared in the subtrahend so no borrow crosses lanes, and the xor
 * restores the high bits.
 */
function subtractBytes(row: Uint32Array, above: Uint32Array, out: Uint32Array): void {
  for (let w = 0; w < out.length; w++) {
    const a = row[w]!;
    const b = above[w]!;
    out[w] = ((a | 0x80808080) - (b & 0x7f7f7f7f)) ^ ((a ^ ~b) & 0x80808080);
  }
}

interface RowBuffer {
  words: Uint32Array;
  pixels: Uint8ClampedArray;
}

/** The IDAT payload before compression: each row behind its filter-type byte, the first row unchanged. */
function upFiltered(width: number, height: number, writeRow: RowWriter): Uint8Array {
  const stride = width * 3;
  // Rows are padded to whole words; the padding is never copied out.
  const rowBuffer = (): RowBuffer => {
    const words = new Uint32Array(Math.ceil(stride / 4));
    return { words, pixels: new Uint8ClampedArray(words.buffer, 0, stride) };
  };
  let row = rowBuffer();
  let above = rowBuffer();
  const diff = new Uint32Array(row.words.length);
  const diffBytes = new Uint8Array(diff.buffer, 0, stride);
  const lines = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    writeRow(y, row.pixels);
    const at = y * (stride + 1);
    lines[at] = FILTER_UP;
    if (y === 0) {
      lines.set(row.pixels, at + 1);
    } else {
      subtractBytes(row.words, above.words, diff);
      lines.set(diffBytes, at + 1);
    }
    [row, above] = [above, row];
  }
  return lines;
}

/** Fixed options and no metadata, so the same pixels always give the same bytes. */
export function encodePng(width: number, height: number, writeRow: RowWriter): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EaselError('GENERATION_FAILED', `cannot encode a PNG of ${width}×${height} pixels`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: truecolour without alpha
  // Bytes 10–12 stay 0: deflate compression, adaptive filter method, no interlace.
  const data = deflateSync(upFiltered(width, height, writeRow), DEFLATE);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}

/** Rows of RGB bytes held whole (HWC, width × height × 3). */
export function rgbRows(rgb: Uint8Array, width: number, height: number): RowWriter {
  const stride = width * 3;
  if (rgb.length !== stride * height) {
    throw new EaselError('GENERATION_FAILED', `${rgb.length} bytes are not an RGB image of ${width}×${height} (${stride * height} bytes)`);
  }
  return (y, row) => row.set(rgb.subarray(y * stride, (y + 1) * stride));
}
