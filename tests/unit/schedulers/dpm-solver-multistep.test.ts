import { describe, expect, it } from 'vitest';
import { DpmSolverMultistepScheduler } from '../../../server/core/schedulers/dpm-solver-multistep.js';
import { createGaussianRandom } from '../../../server/core/schedulers/random.js';
import { absMean, absSum, dummyNoiseDeter, dummySampleDeter, fullLoop } from './diffusers-dummies.js';

const base = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  sample_max_value: 1.0,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: false,
  euler_at_final: false,
  final_sigmas_type: 'sigma_min',
};

function run(config: Record<string, unknown>, batchSize = 1): Float32Array {
  const s = new DpmSolverMultistepScheduler({ ...base, ...config }, { random: createGaussianRandom(0), batchSize });
  s.setTimesteps(10);
  return fullLoop(s, dummySampleDeter());
}

describe('DPM-Solver++ multistep matches diffusers test_scheduler_dpm_multi', () => {
  it('reproduces the full loop', () => expect(Math.abs(absMean(run({})) - 0.3301)).toBeLessThan(1e-3));
  it('reproduces the full loop with dynamic thresholding per image', () =>
    expect(Math.abs(absMean(run({ thresholding: true, dynamic_thresholding_ratio: 0.87, sample_max_value: 0.5 }, 4)) - 1.1364)).toBeLessThan(1e-3));
  it('reproduces the full loop with v-prediction', () =>
    expect(Math.abs(absMean(run({ prediction_type: 'v_prediction' })) - 0.2251)).toBeLessThan(1e-3));
  it('reproduces the full loop with Karras sigmas and v-prediction', () =>
    expect(Math.abs(absMean(run({ prediction_type: 'v_prediction', use_karras_sigmas: true })) - 0.2096)).toBeLessThan(1e-3));
  it('reproduces the full loop started from a noised sample', () => {
    const s = new DpmSolverMultistepScheduler(base, {});
    s.setTimesteps(10);
    const timesteps = s.timesteps.slice(5);
    const out = fullLoop(s, s.addNoise(dummySampleDeter(), dummyNoiseDeter(), timesteps[0]!), timesteps);
    expect(Math.abs(absSum(out) - 318.4111)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.4146)).toBeLessThan(1e-3);
  });

  it('gives finite samples for every algorithm, solver type, order and prediction diffusers tests', () => {
    for (const algorithm_type of ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++'])
      for (const solver_type of ['midpoint', 'heun'])
        for (const solver_order of [1, 2, 3])
          for (const prediction_type of ['epsilon', 'sample']) {
            if (algorithm_type.startsWith('sde') && solver_order === 3) continue;
            const out = run({ algorithm_type, solver_type, solver_order, prediction_type });
            expect(out.every(Number.isFinite)).toBe(true);
          }
  });
});
