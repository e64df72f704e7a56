// Timesteps and defaults shared by the consistency-distilled samplers (LCM, TCD).
import { BETA_DEFAULTS } from './betas.js';
import { EaselError } from '../errors.js';

export const CONSISTENCY_DEFAULTS = {
  ...BETA_DEFAULTS,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  original_inference_steps: 50,
  clip_sample: false,
  clip_sample_range: 1.0,
  set_alpha_to_one: true,
  steps_offset: 0,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
  timestep_scaling: 10.0,
  rescale_betas_zero_snr: false,
};

/** n of the distillation schedule's original_steps timesteps (k·i − 1), evenly skipped from the top. */
export function consistencyTimesteps(train: number, originalSteps: number, n: number, samplerName: string): number[] {
  if (originalSteps > train || !Number.isInteger(n) || n < 1 || n > originalSteps) {
    throw new EaselError(
      'INVALID_INPUT',
      `${samplerName} takes 1 to ${originalSteps} steps (original_inference_steps, at most num_train_timesteps ${train}); got ${n}`,
    );
  }
  const k = Math.floor(train / originalSteps);
  const origin = Array.from({ length: originalSteps }, (_, i) => (originalSteps - i) * k - 1);
  return Array.from({ length: n }, (_, i) => origin[Math.floor(i * (originalSteps / n))]!);
}
