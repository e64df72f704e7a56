import { describe, expect, it } from 'vitest';
import { img2imgStartIndex } from '../../../../server/runner/pipeline/strength.js';

/** diffusers' StableDiffusionImg2ImgPipeline.get_timesteps, written out: the index its timesteps slice starts at. */
function diffusersStart(steps: number, strength: number, order: number): number {
  const initTimestep = Math.min(Math.trunc(steps * strength), steps);
  const tStart = Math.max(steps - initTimestep, 0);
  return tStart * order;
}

describe('image-to-image timestep slicing', () => {
  it.each([
    [50, 0.75, 1, 13],
    [20, 0.5, 1, 10],
    [20, 1, 1, 0],
    [20, 0.7, 1, 6],
    [10, 0.3, 1, 7],
    [25, 0.8, 2, 10],
    [30, 0.33, 1, 21],
  ])('starts %s steps at strength %s (order %s) at index %s, as diffusers does', (steps, strength, order, start) => {
    expect(img2imgStartIndex(steps, strength, order)).toBe(start);
    expect(img2imgStartIndex(steps, strength, order)).toBe(diffusersStart(steps, strength, order));
  });

  it('keeps at least one step where diffusers would be left with none', () => {
    expect(diffusersStart(20, 0.01, 1)).toBe(20);
    expect(img2imgStartIndex(20, 0.01, 1)).toBe(19);
    expect(img2imgStartIndex(20, 0.01, 2)).toBe(38);
  });
});
