// The demo's training noise schedule: SD 1.5's scheduler config, and ᾱ (alphas_cumprod) computed from it the
// way diffusers does, so that the UNet's noise prediction agrees with any scheduler that reads the config.
import { EaselError } from '../core/errors.js';

export const DEMO_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.30.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  timestep_spacing: 'leading',
  trained_betas: null,
} as const;

const f32 = Math.fround;

/** alphas_cumprod for a scaled_linear schedule, in float32 like diffusers: betas are torch.linspace(√start,
 * √end, n, float32)² (torch fills the first half from the start and the second half back from the end),
 * and torch's CPU cumprod carries the running product in double, rounding each stored value to float32. */
export function alphasCumprod(config: { beta_start: number; beta_end: number; num_train_timesteps: number; beta_schedule: string }): Float32Array {
  if (config.beta_schedule !== 'scaled_linear') {
    throw new EaselError('INVALID_INPUT', `demo noise schedule supports beta_schedule "scaled_linear", not "${config.beta_schedule}"`);
  }
  const n = config.num_train_timesteps;
  const start = f32(Math.sqrt(config.beta_start));
  const end = f32(Math.sqrt(config.beta_end));
  const step = f32(f32(end - start) / (n - 1));
  const out = new Float32Array(n);
  let product = 1;
  for (let i = 0; i < n; i++) {
    const root = i < Math.floor(n / 2) ? f32(start + f32(step * i)) : f32(end - f32(step * (n - 1 - i)));
    product *= f32(1 - f32(root * root));
    out[i] = product;
  }
  return out;
}

/** ᾱ at a possibly fractional timestep: linear between the neighbouring integer steps, clamped to the table. */
export function alphaBarAt(table: Float32Array, t: number): number {
  const clamped = Math.min(Math.max(t, 0), table.length - 1);
  const lower = Math.floor(clamped);
  const upper = Math.min(lower + 1, table.length - 1);
  return table[lower]! + (clamped - lower) * (table[upper]! - table[lower]!);
}
