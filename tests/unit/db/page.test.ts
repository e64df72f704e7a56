import { describe, expect, it } from 'vitest';
import { pageLimit, toPage } from '../../../server/db/page.js';

describe('pageLimit', () => {
  it('defaults to 50', () => {
    expect(pageLimit(undefined)).toBe(50);
  });

  it.each([1, 500])('accepts %d', (limit) => {
    expect(pageLimit(limit)).toBe(limit);
  });

  it.each([0, 501, 1.5, Number.NaN])('rejects %d with INVALID_INPUT', (limit) => {
    expect(() => pageLimit(limit)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('toPage', () => {
  const double = (n: number): number => n * 2;
  const self = (n: number): number => n;

  it('gives the last kept row as the cursor when one more row was found', () => {
    expect(toPage([9, 8, 7], 2, double, self)).toEqual({ items: [18, 16], nextCursor: 8 });
  });

  it('gives no cursor when no further row was found', () => {
    expect(toPage([9, 8], 2, double, self)).toEqual({ items: [18, 16], nextCursor: null });
    expect(toPage([], 2, double, self)).toEqual({ items: [], nextCursor: null });
  });
});
