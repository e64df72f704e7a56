import { describe, expect, it } from 'vitest';
import { createGaussianRandom, createScheduler, SAMPLERS } from '../../../server/core/schedulers/index.js';

/** scheduler/scheduler_config.json as Stable Diffusion 1.5 ships it (PLMS: skip_prk_steps). */
const SD15 = {
  _class_name: 'PNDMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

// What diffusers' set_timesteps(n) gives for SD15 (each sampler's class at its own default spacing), n = 1, 2, 3.
// Derived by transcribing each class's set_timesteps (diffusers commit 58eb52c0: the linspace / leading grids, the
// np.interp of the training sigmas, _convert_to_karras and _sigma_to_t, Heun's and KDPM2's repeat_interleave and
// interpolated sigmas, PNDM's PLMS concatenation, LCM/TCD's original_inference_steps grid) into numpy, with
// alphas_cumprod built in float32 as torch does, and printing the results to 7 significant digits.
const EXPECTED: Record<string, Record<number, { timesteps: number[]; sigmas?: number[] }>> = {
  DDIM: {
    1: { timesteps: [1] },
    2: { timesteps: [501, 1] },
    3: { timesteps: [667, 334, 1] },
  },
  DDPMS: {
    1: { timesteps: [1] },
    2: { timesteps: [501, 1] },
    3: { timesteps: [667, 334, 1] },
  },
  PNDM: {
    1: { timesteps: [1] },
    2: { timesteps: [501, 1, 1] },
    3: { timesteps: [667, 334, 334, 1] },
  },
  EULER: {
    1: { timesteps: [0], sigmas: [0.02916753, 0] },
    2: { timesteps: [999, 0], sigmas: [14.61465, 0.02916753, 0] },
    3: { timesteps: [999, 499.5, 0], sigmas: [14.61465, 1.615583, 0.02916753, 0] },
  },
  EULER_A: {
    1: { timesteps: [0], sigmas: [0.02916753, 0] },
    2: { timesteps: [999, 0], sigmas: [14.61465, 0.02916753, 0] },
    3: { timesteps: [999, 499.5, 0], sigmas: [14.61465, 1.615583, 0.02916753, 0] },
  },
  LMS: {
    1: { timesteps: [0], sigmas: [0.02916753, 0] },
    2: { timesteps: [999, 0], sigmas: [14.61465, 0.02916753, 0] },
    3: { timesteps: [999, 499.5, 0], sigmas: [14.61465, 1.615583, 0.02916753, 0] },
  },
  HEUN: {
    1: { timesteps: [0], sigmas: [0.02916753, 0] },
    2: { timesteps: [999, 0, 0], sigmas: [14.61465, 0.02916753, 0.02916753, 0] },
    3: { timesteps: [999, 499.5, 499.5, 0, 0], sigmas: [14.61465, 1.615583, 1.615583, 0.02916753, 0.02916753, 0] },
  },
  KDPM2: {
    1: { timesteps: [0] },
    2: { timesteps: [999, 233.2098, 0] },
    3: { timesteps: [999, 788.8436, 499.5, 46.72523, 0] },
  },
  KDPM2_A: {
    1: { timesteps: [0] },
    2: { timesteps: [999, 0.00960641, 0] },
    3: { timesteps: [999, 499.4998, 499.5, 0, 0] },
  },
  DPM_SOLVER_MULTISTEP: {
    1: { timesteps: [999], sigmas: [14.61465, 0] },
    2: { timesteps: [999, 500], sigmas: [14.61465, 1.61828, 0] },
    3: { timesteps: [999, 666, 333], sigmas: [14.61465, 2.918309, 0.9323583, 0] },
  },
  DPM_SOLVER_SDE: {
    1: { timesteps: [999], sigmas: [14.61465, 0] },
    2: { timesteps: [999, 500], sigmas: [14.61465, 1.61828, 0] },
    3: { timesteps: [999, 666, 333], sigmas: [14.61465, 2.918309, 0.9323583, 0] },
  },
  UNIPC: {
    1: { timesteps: [999], sigmas: [14.61465, 0] },
    2: { timesteps: [999, 500], sigmas: [14.61465, 1.61828, 0] },
    3: { timesteps: [999, 666, 333], sigmas: [14.61465, 2.918309, 0.9323583, 0] },
  },
  DEIS: {
    1: { timesteps: [999], sigmas: [14.61465, 0.02916753] },
    2: { timesteps: [999, 500], sigmas: [14.61465, 1.61828, 0.02916753] },
    3: { timesteps: [999, 666, 333], sigmas: [14.61465, 2.918309, 0.9323583, 0.02916753] },
  },
  DPM_SOLVER_SINGLESTEP: {
    1: { timesteps: [999], sigmas: [14.61465, 0] },
    2: { timesteps: [999, 500], sigmas: [14.61465, 1.61828, 0] },
    3: { timesteps: [999, 666, 333], sigmas: [14.61465, 2.918309, 0.9323583, 0] },
  },
  DPM_SOLVER_MULTISTEP_KARRAS: {
    1: { timesteps: [999], sigmas: [14.61465, 0] },
    2: { timesteps: [999, 0], sigmas: [14.61465, 0.02916753, 0] },
    3: { timesteps: [999, 427, 0], sigmas: [14.61465, 1.274105, 0.02916753, 0] },
  },
  DPM_SOLVER_SDE_KARRAS: {
    1: { timesteps: [999], sigmas: [14.61465, 0] },
    2: { timesteps: [999, 0], sigmas: [14.61465, 0.02916753, 0] },
    3: { timesteps: [999, 427, 0], sigmas: [14.61465, 1.274105, 0.02916753, 0] },
  },
  LCM: {
    1: { timesteps: [999] },
    2: { timesteps: [999, 499] },
    3: { timesteps: [999, 679, 339] },
  },
  TCD: {
    1: { timesteps: [999] },
    2: { timesteps: [999, 499] },
    3: { timesteps: [999, 679, 339] },
  },
};

const close = (actual: readonly number[], expected: readonly number[], tolerance: (v: number) => number): void => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((v, i) => expect(Math.abs(actual[i]! - v), `index ${i}: ${actual[i]} vs ${v}`).toBeLessThanOrEqual(tolerance(v)));
};

describe('schedules of 1 to 3 steps match diffusers set_timesteps', () => {
  it('covers every sampler', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(SAMPLERS.map((s) => s.name).sort());
  });

  describe.each(SAMPLERS.map((s) => s.name))('%s', (name) => {
    it.each([1, 2, 3])('at %i steps', (n) => {
      const scheduler = createScheduler(name, SD15, { random: createGaussianRandom(1) });
      scheduler.setTimesteps(n);
      const expected = EXPECTED[name]![n]!;
      // Interpolated KDPM2 timesteps come from float32 sigmas after a cancellation (σ_next² − σ_up²): allow 0.05.
      close(scheduler.timesteps, expected.timesteps, () => 0.05);
      if (expected.sigmas) close(scheduler.sigmas!, expected.sigmas, (v) => 2e-6 * Math.max(v, 1e-3));
    });

    it.each([1, 2, 3])('denoises to finite latents at %i steps', (n) => {
      const scheduler = createScheduler(name, SD15, { random: createGaussianRandom(7) });
      scheduler.setTimesteps(n);
      let latents: Float32Array = new Float32Array(16);
      createGaussianRandom(3).fill(latents);
      latents = latents.map((x) => x * scheduler.initNoiseSigma);
      for (const t of scheduler.timesteps) {
        expect(Number.isFinite(t), `timestep ${t}`).toBe(true);
        const input = scheduler.scaleModelInput(latents, t);
        latents = scheduler.step(input.map((x) => 0.3 * x), t, latents).prevSample;
      }
      expect(latents.every(Number.isFinite)).toBe(true);
    });
  });

  it('gives PNDM with its Runge–Kutta warm-up the PLMS grid below four steps, where diffusers raises', () => {
    const { skip_prk_steps: _, ...prk } = SD15;
    for (const n of [1, 2, 3]) {
      const scheduler = createScheduler('PNDM', prk);
      scheduler.setTimesteps(n);
      expect(scheduler.timesteps).toEqual(EXPECTED.PNDM![n]!.timesteps);
    }
    const four = createScheduler('PNDM', prk);
    four.setTimesteps(4);
    // diffusers' prk_timesteps and plms_timesteps for _timesteps [1, 251, 501, 751], concatenated.
    expect(four.timesteps).toEqual([751, 626, 626, 501, 501, 376, 376, 251, 251, 126, 126, 1, 1]);
  });
});
