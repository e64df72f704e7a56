import { describe, expect, it } from 'vitest';
import { createGaussianRandom } from '../../../server/core/schedulers/random.js';

const fill = (seed: number, n: number): number[] => {
  const out = new Float32Array(n);
  createGaussianRandom(seed).fill(out);
  return Array.from(out);
};

describe('createGaussianRandom', () => {
  it('matches torch.manual_seed(0); torch.randn(6) on the CPU', () => {
    const expected = [1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986];
    fill(0, 6).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it('matches torch.manual_seed(0); torch.randn(4, 4) on the CPU', () => {
    const expected = [-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152, 0.3223, -1.2633, 0.35, 0.3081, 0.1198, 1.2377, 1.1168, -0.2473];
    fill(0, 16).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it('continues one stream across fills', () => {
    const r = createGaussianRandom(11);
    const a = new Float32Array(32);
    const b = new Float32Array(32);
    r.fill(a);
    r.fill(b);
    expect(Array.from(a)).toEqual(fill(11, 32));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('draws standard normals', () => {
    const xs = fill(123, 200_000);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => createGaussianRandom(-1)).toThrow();
    expect(() => createGaussianRandom(1.5)).toThrow();
  });
});
