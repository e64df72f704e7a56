import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { createGaussianRandom, createScheduler, isSamplerName, SAMPLERS } from '../../../server/core/schedulers/index.js';
import type { Scheduler } from '../../../server/core/schedulers/index.js';

/** scheduler/scheduler_config.json as Stable Diffusion 1.5 ships it. */
const SD15 = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

const LATENT_SIZE = 4 * 8 * 8;

/** Runs a sampler over a toy ε-model and returns the final latents. */
function generate(scheduler: Scheduler, steps: number, seed: number): Float32Array {
  scheduler.setTimesteps(steps);
  let latents: Float32Array = new Float32Array(LATENT_SIZE);
  createGaussianRandom(seed).fill(latents);
  latents = latents.map((x) => x * scheduler.initNoiseSigma);
  for (const t of scheduler.timesteps) {
    const input = scheduler.scaleModelInput(latents, t);
    const eps = input.map((x) => 0.5 * x);
    latents = scheduler.step(eps, t, latents).prevSample;
  }
  return latents;
}

const stepsFor = (name: string): number => (name === 'LCM' || name === 'TCD' ? 4 : 12);

/** Second-order samplers evaluate twice per step; PNDM without Runge–Kutta warm-up repeats one step, as diffusers does. */
function expectedLength(name: string, order: number): number {
  const n = stepsFor(name);
  if (name === 'PNDM') return n + 1;
  return order === 2 ? 2 * n - 1 : n;
}

describe('createScheduler', () => {
  it('lists 18 samplers with unique names, labels and descriptions', () => {
    expect(SAMPLERS).toHaveLength(18);
    expect(new Set(SAMPLERS.map((s) => s.name)).size).toBe(18);
    for (const s of SAMPLERS) {
      expect(s.label.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(20);
    }
  });

  it('recognises sampler names and rejects others', () => {
    expect(isSamplerName('EULER_A')).toBe(true);
    expect(isSamplerName('euler_a')).toBe(false);
    expect(isSamplerName(3)).toBe(false);
  });

  it('throws INVALID_INPUT listing the valid names for an unknown sampler', () => {
    let caught: unknown;
    try {
      createScheduler('DPM_FANCY', SD15);
    } catch (e) {
      caught = e;
    }
    expect(isEaselError(caught, 'INVALID_INPUT')).toBe(true);
    expect((caught as Error).message).toContain('DPM_SOLVER_MULTISTEP_KARRAS');
  });

  it('names the key at fault when a config value has the wrong type', () => {
    expect(() => createScheduler('EULER', { ...SD15, beta_start: '0.1' })).toThrow(/beta_start/);
  });

  it.each(SAMPLERS.map((s) => s.name))('runs %s from a Stable Diffusion 1.5 config to finite latents', (name) => {
    const scheduler = createScheduler(name, SD15, { random: createGaussianRandom(1) });
    const out = generate(scheduler, stepsFor(name), 42);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(scheduler.timesteps.length).toBe(expectedLength(name, scheduler.order));
    for (const t of scheduler.timesteps) expect(t >= 0 && t < 1000).toBe(true);
  });

  it.each(SAMPLERS.map((s) => [s.name, s.stochastic] as const))(
    '%s depends on the step noise exactly when it is listed as stochastic',
    (name, stochastic) => {
      const run = (seed: number) => generate(createScheduler(name, SD15, { random: createGaussianRandom(seed) }), stepsFor(name), 42);
      expect(run(5)).toEqual(run(5));
      if (stochastic) expect(run(5)).not.toEqual(run(6));
      else expect(run(5)).toEqual(run(6));
    },
  );

  it('refuses a stochastic step that has neither noise nor a generator', () => {
    const scheduler = createScheduler('EULER_A', SD15);
    scheduler.setTimesteps(5);
    const t = scheduler.timesteps[0]!;
    const sample = new Float32Array(LATENT_SIZE);
    expect(() => scheduler.step(sample, t, sample)).toThrow(/opts.noise/);
  });

  it('takes step noise from opts.noise in preference to the generator', () => {
    const withNoise = (noise: Float32Array | undefined) => {
      const s = createScheduler('DPM_SOLVER_SDE', SD15, { random: createGaussianRandom(9) });
      s.setTimesteps(5);
      const t = s.timesteps[0]!;
      const sample = new Float32Array(LATENT_SIZE).fill(1);
      return s.step(sample.map((x) => x * 0.1), t, sample, noise ? { noise } : undefined).prevSample;
    };
    const zeros = new Float32Array(LATENT_SIZE);
    expect(withNoise(zeros)).toEqual(withNoise(zeros));
    expect(withNoise(zeros)).not.toEqual(withNoise(undefined));
  });

  it('turns on Karras sigmas for names ending in _KARRAS', () => {
    const plain = createScheduler('DPM_SOLVER_MULTISTEP', SD15);
    const karras = createScheduler('DPM_SOLVER_MULTISTEP_KARRAS', SD15);
    plain.setTimesteps(10);
    karras.setTimesteps(10);
    expect(karras.sigmas).not.toEqual(plain.sigmas);
    expect(karras.sigmas![0]).toBeCloseTo(plain.sigmas![0]!, 3);
  });

  it('keeps DPM++ 2M deterministic even when the config names an SDE algorithm', () => {
    const run = (seed: number) =>
      generate(createScheduler('DPM_SOLVER_MULTISTEP', { ...SD15, algorithm_type: 'sde-dpmsolver++' }, { random: createGaussianRandom(seed) }), 8, 1);
    expect(run(1)).toEqual(run(2));
  });

  it('never writes into the arrays it is given', () => {
    for (const { name } of SAMPLERS) {
      const s = createScheduler(name, SD15, { random: createGaussianRandom(3) });
      s.setTimesteps(stepsFor(name));
      const sample = new Float32Array(LATENT_SIZE).fill(0.25);
      const output = new Float32Array(LATENT_SIZE).fill(0.5);
      for (const t of s.timesteps.slice(0, 3)) s.step(output, t, s.scaleModelInput(sample, t));
      expect(sample.every((x) => x === 0.25) && output.every((x) => x === 0.5)).toBe(true);
    }
  });
});
