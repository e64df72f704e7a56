// PNG text chunks, written by the runner and read back by the browser: tEXt (Latin-1) or, for other characters,
// uncompressed iTXt (UTF-8), as PIL writes them for AUTOMATIC1111's `parameters`. No Node or DOM APIs.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function isPng(png: Uint8Array): boolean {
  return png.length >= 8 && SIGNATURE.every((byte, i) => png[i] === byte);
}

function latin1(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    bytes[i] = code;
  }
  return bytes;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function textChunk(keyword: string, text: string): Uint8Array {
  const key = latin1(keyword)!;
  const plain = latin1(text);
  if (plain) return chunk('tEXt', Uint8Array.from([...key, 0, ...plain]));
  // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text.
  return chunk('iTXt', Uint8Array.from([...key, 0, 0, 0, 0, 0, ...new TextEncoder().encode(text)]));
}

/** The PNG with a text chunk per entry inserted before IEND. */
export function addPngText(png: Uint8Array, entries: Readonly<Record<string, string>>): Uint8Array {
  const chunks = Object.entries(entries).map(([keyword, text]) => textChunk(keyword, text));
  if (chunks.length === 0) return png;
  if (!isPng(png)) throw new Error('not a PNG: cannot add text chunks');
  const iend = png.length - 12;
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Uint8Array(png.length + total);
  out.set(png.subarray(0, iend), 0);
  let at = iend;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(iend), at);
  return out;
}

/** Every tEXt and uncompressed iTXt chunk of a PNG (an empty record for anything else). */
export function readPngText(png: Uint8Array): Record<string, string> {
  const found: Record<string, string> = {};
  if (!isPng(png)) return found;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const decoder = new TextDecoder();
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    const nul = data.indexOf(0);
    if (nul > 0 && type === 'tEXt') {
      found[String.fromCharCode(...data.subarray(0, nul))] = String.fromCharCode(...data.subarray(nul + 1));
    } else if (nul > 0 && type === 'iTXt' && data[nul + 1] === 0) {
      const language = data.indexOf(0, nul + 3);
      const translated = language < 0 ? -1 : data.indexOf(0, language + 1);
      if (translated >= 0) found[String.fromCharCode(...data.subarray(0, nul))] = decoder.decode(data.subarray(translated + 1));
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return found;
}
