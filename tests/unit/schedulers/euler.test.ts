import { describe, expect, it } from 'vitest';
import { EulerScheduler } from '../../../server/core/schedulers/euler.js';
import { createGaussianRandom } from '../../../server/core/schedulers/random.js';
import { absMean, absSum, dummyNoiseDeter, dummySampleDeter, fullLoop, scaled } from './diffusers-dummies.js';

const base = { num_train_timesteps: 1100, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };

function run(config: Record<string, unknown>, ancestral: boolean, fromStep = 0): Float32Array {
  const s = new EulerScheduler({ ...base, ...config }, { random: createGaussianRandom(0) }, ancestral);
  s.setTimesteps(10);
  let start = scaled(dummySampleDeter(), s.initNoiseSigma);
  const timesteps = s.timesteps.slice(fromStep);
  if (fromStep > 0) start = s.addNoise(start, dummyNoiseDeter(), timesteps[0]!);
  return fullLoop(s, start, timesteps);
}

function expectClose(out: Float32Array, sum: number, mean: number, sumTolerance = 1e-2): void {
  expect(Math.abs(absSum(out) - sum)).toBeLessThan(sumTolerance);
  expect(Math.abs(absMean(out) - mean)).toBeLessThan(1e-3);
}

describe('Euler matches diffusers test_scheduler_euler', () => {
  it('reproduces the full loop without noise', () => expectClose(run({}, false), 10.0807, 0.0131));
  it('reproduces the full loop with v-prediction', () => expectClose(run({ prediction_type: 'v_prediction' }, false), 0.0002, 2.2676e-6));
  it('reproduces the full loop with Karras sigmas', () =>
    expectClose(run({ use_karras_sigmas: true }, false), 124.52299499511719, 0.16213932633399963));
  it('reproduces the full loop started from a noised sample', () => expectClose(run({}, false, 8), 57062.9297, 74.3007));
});

describe('Euler ancestral matches diffusers test_scheduler_euler_ancestral with torch-seeded noise', () => {
  it('reproduces the full loop', () => expectClose(run({}, true), 152.3192, 0.1983));
  it('reproduces the full loop with v-prediction', () => expectClose(run({ prediction_type: 'v_prediction' }, true), 108.4439, 0.1412));
  it('reproduces the full loop started from a noised sample', () => expectClose(run({}, true, 8), 56163.0508, 73.129));
});
