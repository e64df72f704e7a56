import { describe, expect, it } from 'vitest';
import { HeunScheduler } from '../../../server/core/schedulers/heun.js';
import { Kdpm2AncestralScheduler } from '../../../server/core/schedulers/kdpm2-ancestral.js';
import { Kdpm2Scheduler } from '../../../server/core/schedulers/kdpm2.js';
import { LmsScheduler } from '../../../server/core/schedulers/lms.js';
import { createGaussianRandom } from '../../../server/core/schedulers/random.js';
import type { Scheduler } from '../../../server/core/schedulers/types.js';
import { absMean, absSum, dummyNoiseDeter, dummySampleDeter, fullLoop, scaled } from './diffusers-dummies.js';

const base = { num_train_timesteps: 1100, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
type Make = (config: Record<string, unknown>) => Scheduler;

function run(make: Make, config: Record<string, unknown> = {}, noisedFrom?: number): Float32Array {
  const s = make({ ...base, ...config });
  s.setTimesteps(10);
  let start = scaled(dummySampleDeter(), s.initNoiseSigma);
  const timesteps = s.timesteps.slice((noisedFrom ?? 0) * s.order);
  if (noisedFrom !== undefined) start = s.addNoise(start, dummyNoiseDeter(), timesteps[0]!);
  return fullLoop(s, start, timesteps);
}

function expectClose(out: Float32Array, sum: number, mean: number, tolerance = { sum: 1e-2, mean: 1e-3 }): void {
  expect(Math.abs(absSum(out) - sum)).toBeLessThan(tolerance.sum);
  expect(Math.abs(absMean(out) - mean)).toBeLessThan(tolerance.mean);
}

describe('Heun matches diffusers test_scheduler_heun', () => {
  const heun: Make = (c) => new HeunScheduler(c);
  it('reproduces the full loop', () => expectClose(run(heun), 0.1233, 0.0002));
  it('reproduces the full loop with v-prediction', () => expectClose(run(heun, { prediction_type: 'v_prediction' }), 4.6934e-7, 6.1112e-10));
  it('reproduces the full loop with Karras sigmas', () =>
    expectClose(run(heun, { use_karras_sigmas: true }), 0.00015, 1.9869554535034695e-7, { sum: 1e-2, mean: 1e-2 }));
  it('reproduces the full loop started from a noised sample', () => expectClose(run(heun, {}, 8), 75074.8906, 97.7538));
});

describe('KDPM2 matches diffusers test_scheduler_kdpm2_discrete', () => {
  const kdpm2: Make = (c) => new Kdpm2Scheduler(c);
  it('reproduces the full loop', () => expectClose(run(kdpm2), 20.4125, 0.0266));
  it('reproduces the full loop with v-prediction', () => expectClose(run(kdpm2, { prediction_type: 'v_prediction' }), 4.6934e-7, 6.1112e-10));
  it('reproduces the full loop started from a noised sample', () => expectClose(run(kdpm2, {}, 8), 70408.4062, 91.6776));
});

describe('KDPM2 ancestral matches diffusers test_scheduler_kdpm2_ancestral with torch-seeded noise', () => {
  const kdpm2a: Make = (c) => new Kdpm2AncestralScheduler(c, { random: createGaussianRandom(0) });
  it('reproduces the full loop', () => expectClose(run(kdpm2a), 13979.9433, 18.203, { sum: 1e-2, mean: 5e-3 }));
  it('reproduces the full loop with v-prediction', () => expectClose(run(kdpm2a, { prediction_type: 'v_prediction' }), 331.8133, 0.432));
  it('reproduces the full loop started from a noised sample', () =>
    expectClose(run(kdpm2a, {}, 8), 93087.3437, 121.2074, { sum: 1e-2, mean: 5e-3 }));
});

describe('LMS matches diffusers test_scheduler_lms', () => {
  const lms: Make = (c) => new LmsScheduler(c);
  it('reproduces the full loop', () => expectClose(run(lms), 1006.388, 1.31));
  it('reproduces the full loop with v-prediction', () => expectClose(run(lms, { prediction_type: 'v_prediction' }), 0.0017, 2.2676e-6));
  it('reproduces the full loop with Karras sigmas', () =>
    expectClose(run(lms, { use_karras_sigmas: true }), 3812.9927, 4.9648, { sum: 2e-2, mean: 1e-3 }));
  it('reproduces the full loop started from a noised sample', () => expectClose(run(lms, {}, 8), 27663.6895, 36.0204));
});
