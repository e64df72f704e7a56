import { describe, expect, it } from 'vitest';
import { fromByteSymbols, toByteSymbols } from '../../../server/core/tokenizer/byte-level.js';

describe('byte-level alphabet', () => {
  it('keeps printable ASCII and moves space and controls above U+00FF', () => {
    expect(toByteSymbols('a!~')).toBe('a!~');
    expect(toByteSymbols(' ')).toBe('\u0120');
    expect(toByteSymbols('\u0000')).toBe('\u0100');
  });

  it('gives different bytes different symbols', () => {
    const all = new Set<string>();
    for (let cp = 0; cp < 0x80; cp++) all.add(toByteSymbols(String.fromCharCode(cp)));
    for (let cp = 0x80; cp < 0x800; cp++) for (const symbol of toByteSymbols(String.fromCharCode(cp))) all.add(symbol);
    expect(all.size).toBe(128 + 64 + 30);
  });

  it('round-trips text outside the BMP and lone surrogates as U+FFFD', () => {
    expect(fromByteSymbols(toByteSymbols('cat 🐱 東京 é'))).toBe('cat 🐱 東京 é');
    expect(fromByteSymbols(toByteSymbols('a\ud800b'))).toBe('a\ufffdb');
  });
});
