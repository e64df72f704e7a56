import { describe, expect, it } from 'vitest';
import { combineGuidance, usesGuidance } from '../../../../server/runner/pipeline/guidance.js';

describe('classifier-free guidance', () => {
  it('extrapolates from the unconditional prediction towards the conditional one', () => {
    const prediction = Float32Array.of(1, 2, 3, /* conditional */ 2, 2, 1);
    expect([...combineGuidance(prediction, 3, 7.5)]).toEqual([1 + 7.5, 2, 3 - 15]);
  });

  it('gives the conditional prediction at scale 1 and the unconditional one at scale 0', () => {
    expect([...combineGuidance(Float32Array.of(1, 5), 1, 1)]).toEqual([5]);
    expect([...combineGuidance(Float32Array.of(1, 5), 1, 0)]).toEqual([1]);
  });

  it('writes into the prediction itself instead of allocating', () => {
    const prediction = new Float32Array(8).fill(1);
    const guided = combineGuidance(prediction, 4, 3);
    expect(guided.buffer).toBe(prediction.buffer);
    expect(guided.byteOffset).toBe(0);
    expect(guided.length).toBe(4);
  });

  it('guides only above a scale of 1, as diffusers does', () => {
    expect(usesGuidance(7.5)).toBe(true);
    expect(usesGuidance(1)).toBe(false);
    expect(usesGuidance(0)).toBe(false);
  });
});
