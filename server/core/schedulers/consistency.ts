// Timesteps, defaults and the scheduler scaffolding shared by the consistency-distilled samplers (LCM, TCD).
import { requireTrainingTimestep } from './alpha-timestep.js';
import { BETA_DEFAULTS, computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { EaselError } from '../errors.js';
import { NoiseSource, noiseWithAlpha } from './noise.js';
import { StepCursor } from './sigma-schedule.js';
import type { Scheduler, SchedulerOptions, StepOptions, StepResult } from './types.js';

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

/** Everything LCM and TCD do alike; each keeps its own step(), the one place their diffusers sources differ. */
export abstract class ConsistencyScheduler implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  protected readonly config;
  protected readonly prediction;
  protected readonly alphasCumprod: Float32Array;
  protected readonly cursor: StepCursor;
  protected readonly noise: NoiseSource;

  /** `label` is the short name errors use ("LCM"), `schedulerName` diffusers' class name. */
  protected constructor(
    raw: Record<string, unknown>,
    options: SchedulerOptions,
    schedulerName: string,
    protected readonly label: string,
  ) {
    this.config = resolveConfig(raw, CONSISTENCY_DEFAULTS, schedulerName);
    this.prediction = requireOneOf(this.config.prediction_type, PREDICTION_TYPES, 'prediction_type', schedulerName);
    this.alphasCumprod = computeAlphasCumprod(this.config, schedulerName);
    this.cursor = new StepCursor(label);
    this.noise = new NoiseSource(options.random, label);
  }

  setTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = consistencyTimesteps(c.num_train_timesteps, c.original_inference_steps, n, this.label);
    this.cursor.reset();
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult;

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireTrainingTimestep(t, this.config.num_train_timesteps, this.label);
    return noiseWithAlpha(original, noise, this.alphasCumprod[t]!);
  }
}
