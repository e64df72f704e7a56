import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../server/core/schedulers/index.js';

const linear = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };

function timesteps(name: string, config: Record<string, unknown>, n: number): number[] {
  const s = createScheduler(name, { ...linear, ...config });
  s.setTimesteps(n);
  return s.timesteps;
}

describe('timestep spacing', () => {
  it('rounds linspace halves to even like numpy', () => {
    expect(timesteps('DDIM', { timestep_spacing: 'linspace' }, 7)).toEqual([999, 832, 666, 500, 333, 166, 0]);
  });

  it('spaces trailing grids from the last training step', () => {
    expect(timesteps('DDIM', { timestep_spacing: 'trailing' }, 10)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  });

  it('adds steps_offset to leading grids of the sigma samplers', () => {
    expect(timesteps('EULER', { timestep_spacing: 'leading', steps_offset: 1 }, 5)).toEqual([801, 601, 401, 201, 1]);
  });

  it('keeps fractional float32 timesteps for Euler on a linspace grid', () => {
    expect(timesteps('EULER', {}, 4)).toEqual([999, Math.fround(666), Math.fround(333), 0]);
    expect(timesteps('EULER', {}, 7)[1]).toBe(Math.fround(832.5));
  });

  it('drops the final point of the multistep solvers grid', () => {
    expect(timesteps('DPM_SOLVER_MULTISTEP', {}, 5)).toEqual([999, 799, 599, 400, 200]);
  });

  it('uses fractional timesteps for Euler with Karras sigmas', () => {
    const ts = timesteps('EULER', { use_karras_sigmas: true }, 10);
    expect(ts.some((t) => !Number.isInteger(t))).toBe(true);
    expect(ts.every((t) => t === Math.fround(t))).toBe(true);
  });

  it('scales the initial noise by the largest sigma on linspace and by √(σ²+1) on leading grids', () => {
    const linspace = createScheduler('EULER', linear);
    linspace.setTimesteps(10);
    expect(linspace.initNoiseSigma).toBe(linspace.sigmas![0]);
    const leading = createScheduler('EULER', { ...linear, timestep_spacing: 'leading' });
    leading.setTimesteps(10);
    expect(leading.initNoiseSigma).toBeCloseTo(Math.sqrt(leading.sigmas![0]! ** 2 + 1), 4);
  });
});
