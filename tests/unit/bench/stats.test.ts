import { describe, expect, it } from 'vitest';
import { driftPercent, median, percentile, ratio, summarize } from '../../../bench/stats.js';

describe('bench statistics', () => {
  it('interpolates percentiles linearly between the nearest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20], 99)).toBeCloseTo(19.9);
    expect(percentile([5, 1, 3], 0)).toBe(1);
    expect(percentile([5, 1, 3], 100)).toBe(5);
  });

  it('does not reorder the caller’s samples', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('gives NaN for no samples and refuses percentiles outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes count, min, percentiles, max and mean', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, min: 1, p50: 2.5, p90: 3.7, p99: expect.closeTo(3.97, 10), max: 4, mean: 2.5 });
  });

  it('returns NaN rather than Infinity for a ratio over zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
  });

  it('measures drift as a signed percentage of the first figure', () => {
    expect(driftPercent(200, 210)).toBeCloseTo(5);
    expect(driftPercent(200, 190)).toBeCloseTo(-5);
  });
});
