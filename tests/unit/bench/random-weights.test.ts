import { describe, expect, it } from 'vitest';
import { seededUniform, WeightSource } from '../../../bench/models/random-weights.js';

describe('seeded random weights', () => {
  it('repeats the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededUniform(seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws uniform values in [0, 1)', () => {
    const values = Array.from({ length: 10_000 }, seededUniform(1));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it('scales weights to a variance of 1 / fan-in', () => {
    const fanIn = 64;
    const weights = new WeightSource(3).uniform(20_000, fanIn);
    const bound = Math.sqrt(3 / fanIn);
    expect(weights.every((w) => Math.abs(w) <= bound)).toBe(true);
    const variance = weights.reduce((sum, w) => sum + w * w, 0) / weights.length;
    expect(variance * fanIn).toBeCloseTo(1, 1);
  });
});
