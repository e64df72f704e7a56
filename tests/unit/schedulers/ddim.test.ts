import { describe, expect, it } from 'vitest';
import { DdimScheduler } from '../../../server/core/schedulers/ddim.js';
import { absMean, absSum, dummyNoiseDeter, dummySampleDeter, fullLoop } from './diffusers-dummies.js';

const base = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', clip_sample: true };

function loop(config: Record<string, unknown>): Float32Array {
  const s = new DdimScheduler({ ...base, ...config }, {});
  s.setTimesteps(10);
  return fullLoop(s, dummySampleDeter());
}

describe('DDIM matches diffusers test_scheduler_ddim', () => {
  it('reproduces the full loop without noise', () => {
    const out = loop({});
    expect(Math.abs(absSum(out) - 172.0067)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.223967)).toBeLessThan(1e-3);
  });

  it('reproduces the full loop with v-prediction', () => {
    const out = loop({ prediction_type: 'v_prediction' });
    expect(Math.abs(absSum(out) - 52.5302)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.0684)).toBeLessThan(1e-3);
  });

  it('reproduces the full loop with and without set_alpha_to_one', () => {
    const withOne = loop({ set_alpha_to_one: true, beta_start: 0.01 });
    expect(Math.abs(absSum(withOne) - 149.8295)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(withOne) - 0.1951)).toBeLessThan(1e-3);
    const withoutOne = loop({ set_alpha_to_one: false, beta_start: 0.01 });
    expect(Math.abs(absSum(withoutOne) - 149.0784)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(withoutOne) - 0.1941)).toBeLessThan(1e-3);
  });

  it('reproduces the full loop started from a noised sample', () => {
    const s = new DdimScheduler(base, {});
    s.setTimesteps(10);
    const timesteps = s.timesteps.slice(8);
    const start = s.addNoise(dummySampleDeter(), dummyNoiseDeter(), timesteps[0]!);
    const out = fullLoop(s, start, timesteps);
    expect(Math.abs(absSum(out) - 354.5418)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.4616)).toBeLessThan(1e-3);
  });

  it('offsets leading timesteps by steps_offset', () => {
    const s = new DdimScheduler({ ...base, steps_offset: 1 }, {});
    s.setTimesteps(5);
    expect(s.timesteps).toEqual([801, 601, 401, 201, 1]);
  });
});
