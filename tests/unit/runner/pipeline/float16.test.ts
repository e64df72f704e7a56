import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, readFloat16, toFloat16Bits, writeFloat16 } from '../../../../server/runner/pipeline/float16.js';

describe('float16 conversion', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    [0, 0x0000],
  ])('encodes %s to its float16 bits', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('rounds halfway cases to the even neighbour', () => {
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): even wins, so 1.
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // 2^-25 is halfway between 0 and the smallest subnormal.
    expect(toFloat16Bits(2 ** -25)).toBe(0);
    expect(toFloat16Bits(1.5 * 2 ** -25)).toBe(1);
  });

  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('decodes every non-NaN half and encodes it back to the same bits', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromFloat16Bits(bits);
      if (!Number.isNaN(value) && toFloat16Bits(value) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });

  it('converts whole arrays at an offset', () => {
    const target = new Uint16Array(4);
    writeFloat16(Float32Array.of(1, -2), target, 2);
    expect([...target]).toEqual([0, 0, 0x3c00, 0xc000]);
    expect([...readFloat16(target)]).toEqual([0, 0, 1, -2]);
  });
});
