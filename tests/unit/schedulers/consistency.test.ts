import { describe, expect, it } from 'vitest';
import { LcmScheduler } from '../../../server/core/schedulers/lcm.js';
import { createGaussianRandom } from '../../../server/core/schedulers/random.js';
import { TcdScheduler } from '../../../server/core/schedulers/tcd.js';
import { absMean, absSum, dummySampleDeter, fullLoop } from './diffusers-dummies.js';

const base = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', prediction_type: 'epsilon' };

function expectClose(out: Float32Array, sum: number, mean: number): void {
  expect(Math.abs(absSum(out) - sum)).toBeLessThan(1e-3);
  expect(Math.abs(absMean(out) - mean)).toBeLessThan(1e-3);
}

describe('LCM matches diffusers test_scheduler_lcm with torch-seeded noise', () => {
  function run(steps: number): Float32Array {
    const s = new LcmScheduler(base, { random: createGaussianRandom(0) });
    s.setTimesteps(steps);
    return fullLoop(s, dummySampleDeter());
  }
  it('reproduces the one-step loop', () => expectClose(run(1), 18.7097, 0.0244));
  it('reproduces the ten-step loop', () => expectClose(run(10), 197.7616, 0.2575));
  it('skips evenly through the distillation timesteps', () => {
    const s = new LcmScheduler(base, {});
    s.setTimesteps(4);
    expect(s.timesteps).toEqual([999, 759, 499, 259]);
  });
});

describe('TCD matches diffusers test_scheduler_tcd', () => {
  function run(steps: number): Float32Array {
    const s = new TcdScheduler(base, { eta: 0 });
    s.setTimesteps(steps);
    return fullLoop(s, dummySampleDeter());
  }
  it('reproduces the deterministic one-step loop', () => expectClose(run(1), 29.8715, 0.0389));
  it('reproduces the deterministic ten-step loop', () => expectClose(run(10), 181.204, 0.2359));
  it('draws noise for gamma above zero and is reproducible by seed', () => {
    const once = (seed: number) => {
      const s = new TcdScheduler(base, { random: createGaussianRandom(seed) });
      s.setTimesteps(4);
      return fullLoop(s, dummySampleDeter());
    };
    expect(once(7)).toEqual(once(7));
    expect(once(7)).not.toEqual(once(8));
  });
});
