// CLIP's byte-level alphabet: every UTF-8 byte gets a printable, non-space character, so BPE runs on plain strings.

// Printable Latin-1 bytes stand for themselves; the others (controls, space, soft hyphen…) are shifted above U+00FF.
function buildByteSymbols(): string[] {
  const symbols: string[] = [];
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    symbols.push(String.fromCharCode(printable ? byte : 256 + shifted++));
  }
  return symbols;
}

const BYTE_SYMBOLS = buildByteSymbols();
const SYMBOL_BYTES = new Map(BYTE_SYMBOLS.map((symbol, byte) => [symbol, byte]));
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 bytes of `text`, one alphabet character per byte. Lone surrogates become U+FFFD, as ftfy's fix_surrogates would. */
export function toByteSymbols(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) out += BYTE_SYMBOLS[byte];
  return out;
}

/** Inverse of toByteSymbols; characters outside the alphabet (possible in odd vocabularies) pass through as UTF-8. */
export function fromByteSymbols(symbols: string): string {
  const bytes: number[] = [];
  for (const char of symbols) {
    const byte = SYMBOL_BYTES.get(char);
    if (byte !== undefined) bytes.push(byte);
    else bytes.push(...utf8.encode(char));
  }
  // Invalid sequences (a decode of a truncated multi-byte token) show as U+FFFD rather than throwing, like errors="replace".
  return utf8Decoder.decode(new Uint8Array(bytes));
}
