import { describe, expect, it } from 'vitest';
import { DeisScheduler } from '../../../server/core/schedulers/deis.js';
import { DpmSolverSinglestepScheduler } from '../../../server/core/schedulers/dpm-solver-singlestep.js';
import type { Scheduler } from '../../../server/core/schedulers/types.js';
import { UniPcScheduler } from '../../../server/core/schedulers/unipc.js';
import { absMean, absSum, dummyNoiseDeter, dummySampleDeter, fullLoop } from './diffusers-dummies.js';

type Make = (config: Record<string, unknown>) => Scheduler;
const linear = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', solver_order: 2 };

function meanOf(make: Make, config: Record<string, unknown>): number {
  const s = make(config);
  s.setTimesteps(10);
  return absMean(fullLoop(s, dummySampleDeter()));
}

function noisedLoop(make: Make, config: Record<string, unknown>, fromStep: number): Float32Array {
  const s = make(config);
  s.setTimesteps(10);
  const timesteps = s.timesteps.slice(fromStep);
  return fullLoop(s, s.addNoise(dummySampleDeter(), dummyNoiseDeter(), timesteps[0]!), timesteps);
}

describe('DPM-Solver++ singlestep matches diffusers test_scheduler_dpm_single', () => {
  const base = { ...linear, prediction_type: 'epsilon', algorithm_type: 'dpmsolver++', solver_type: 'midpoint', final_sigmas_type: 'sigma_min' };
  const single: Make = (c) => new DpmSolverSinglestepScheduler({ ...base, ...c }, {});
  it('reproduces the full loop', () => expect(Math.abs(meanOf(single, {}) - 0.2791)).toBeLessThan(1e-3));
  it('reproduces the full loop with Karras sigmas', () => expect(Math.abs(meanOf(single, { use_karras_sigmas: true }) - 0.2248)).toBeLessThan(1e-3));
  it('reproduces the full loop with v-prediction', () => expect(Math.abs(meanOf(single, { prediction_type: 'v_prediction' }) - 0.1453)).toBeLessThan(1e-3));
  it('reproduces the full loop with Karras sigmas and v-prediction', () =>
    expect(Math.abs(meanOf(single, { prediction_type: 'v_prediction', use_karras_sigmas: true }) - 0.0649)).toBeLessThan(1e-3));
  it('reproduces the full loop started from a noised sample', () => {
    const out = noisedLoop(single, {}, 5);
    expect(Math.abs(absSum(out) - 269.2187)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.3505)).toBeLessThan(1e-3);
  });
});

describe('DEIS matches diffusers test_scheduler_deis', () => {
  const deis: Make = (c) => new DeisScheduler({ ...linear, ...c }, {});
  it('reproduces the full loop', () => expect(Math.abs(meanOf(deis, {}) - 0.23916)).toBeLessThan(1e-3));
  it('reproduces the full loop with v-prediction', () => expect(Math.abs(meanOf(deis, { prediction_type: 'v_prediction' }) - 0.091)).toBeLessThan(1e-3));
  it('reproduces the full loop started from a noised sample', () => {
    const out = noisedLoop(deis, {}, 8);
    expect(Math.abs(absSum(out) - 315.3016)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.41054)).toBeLessThan(1e-3);
  });
});

describe('UniPC matches diffusers test_scheduler_unipc', () => {
  const base = { ...linear, solver_type: 'bh2', final_sigmas_type: 'sigma_min' };
  const unipc: Make = (c) => new UniPcScheduler({ ...base, ...c }, {});
  it('reproduces the full loop', () => expect(Math.abs(meanOf(unipc, {}) - 0.2464)).toBeLessThan(1e-3));
  it('reproduces the full loop with Karras sigmas', () => expect(Math.abs(meanOf(unipc, { use_karras_sigmas: true }) - 0.2925)).toBeLessThan(1e-3));
  it('reproduces the full loop with v-prediction', () => expect(Math.abs(meanOf(unipc, { prediction_type: 'v_prediction' }) - 0.1014)).toBeLessThan(1e-3));
  it('reproduces the full loop with Karras sigmas and v-prediction', () =>
    expect(Math.abs(meanOf(unipc, { prediction_type: 'v_prediction', use_karras_sigmas: true }) - 0.1966)).toBeLessThan(1e-3));
  it('reproduces the full loop started from a noised sample', () => {
    const out = noisedLoop(unipc, {}, 8);
    expect(Math.abs(absSum(out) - 315.5757)).toBeLessThan(1e-2);
    expect(Math.abs(absMean(out) - 0.4109)).toBeLessThan(1e-3);
  });
  it('gives finite samples for every solver type, order and prediction diffusers tests', () => {
    for (const solver_type of ['bh1', 'bh2'])
      for (const solver_order of [1, 2, 3])
        for (const prediction_type of ['epsilon', 'sample']) {
          const s = unipc({ solver_type, solver_order, prediction_type });
          s.setTimesteps(10);
          expect(fullLoop(s, dummySampleDeter()).every(Number.isFinite)).toBe(true);
        }
  });
});
