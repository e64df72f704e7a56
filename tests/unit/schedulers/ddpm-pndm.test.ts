import { describe, expect, it } from 'vitest';
import { DdpmScheduler } from '../../../server/core/schedulers/ddpm.js';
import { PndmScheduler } from '../../../server/core/schedulers/pndm.js';
import { createGaussianRandom } from '../../../server/core/schedulers/random.js';
import { absMean, absSum, dummyNoiseDeter, dummySampleDeter, fullLoop } from './diffusers-dummies.js';

function expectClose(out: Float32Array, sum: number, mean: number): void {
  expect(Math.abs(absSum(out) - sum)).toBeLessThan(1e-2);
  expect(Math.abs(absMean(out) - mean)).toBeLessThan(1e-3);
}

describe('DDPM matches diffusers test_scheduler_ddpm with torch-seeded noise', () => {
  const base = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', variance_type: 'fixed_small', clip_sample: true };
  function run(config: Record<string, unknown>, fromStep = 0): Float32Array {
    const s = new DdpmScheduler({ ...base, ...config }, { random: createGaussianRandom(0) });
    s.setTimesteps(1000);
    const timesteps = s.timesteps.slice(fromStep);
    const start = fromStep > 0 ? s.addNoise(dummySampleDeter(), dummyNoiseDeter(), timesteps[0]!) : dummySampleDeter();
    return fullLoop(s, start, timesteps);
  }
  it('reproduces the 1000-step full loop', () => expectClose(run({}), 258.9606, 0.3372));
  it('reproduces the full loop with v-prediction', () => expectClose(run({ prediction_type: 'v_prediction' }), 202.0296, 0.2631));
  it('reproduces the full loop started from a noised sample', () => expectClose(run({}, 998), 387.9466, 0.5051));
});

describe('PNDM matches diffusers test_scheduler_pndm', () => {
  const base = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
  function run(config: Record<string, unknown>): Float32Array {
    const s = new PndmScheduler({ ...base, ...config });
    s.setTimesteps(10);
    return fullLoop(s, dummySampleDeter());
  }
  it('reproduces the full loop', () => expectClose(run({}), 198.1318, 0.258));
  it('reproduces the full loop with v-prediction', () => expectClose(run({ prediction_type: 'v_prediction' }), 67.3986, 0.0878));
  it('reproduces the full loop with set_alpha_to_one', () => expectClose(run({ set_alpha_to_one: true, beta_start: 0.01 }), 230.0399, 0.2995));
  it('reproduces the full loop without set_alpha_to_one', () => expectClose(run({ set_alpha_to_one: false, beta_start: 0.01 }), 186.9482, 0.2434));
  it('lays out Runge–Kutta then multistep timesteps with steps_offset', () => {
    const s = new PndmScheduler({ ...base, steps_offset: 1 });
    s.setTimesteps(10);
    expect(s.timesteps).toEqual([901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1]);
  });
});
