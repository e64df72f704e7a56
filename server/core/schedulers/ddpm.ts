// DDPM ancestral sampling (Ho et al. 2020), after diffusers' DDPMScheduler.
import { alphaProdAt, requireTrainingTimestep } from './alpha-timestep.js';
import { BETA_DEFAULTS, computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { checkSameLength, NoiseSource, noiseWithAlpha } from './noise.js';
import { x0FromAlpha } from './prediction.js';
import { StepCursor } from './sigma-schedule.js';
import { integerTimesteps, TIMESTEP_SPACINGS } from './spacing.js';
import { clipInPlace, configuredThreshold, type DynamicThreshold } from './threshold.js';
import type { Scheduler, SchedulerOptions, StepOptions, StepResult } from './types.js';

const NAME = 'DDPMScheduler';
const f = Math.fround;

const DEFAULTS = {
  ...BETA_DEFAULTS,
  variance_type: 'fixed_small',
  clip_sample: true,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  clip_sample_range: 1.0,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
  steps_offset: 0,
  rescale_betas_zero_snr: false,
};

/** Learned variances need a model with twice the channels, which Easel's UNets do not have. */
const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large'] as const;

export class DdpmScheduler implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly config;
  private readonly prediction;
  private readonly spacing;
  private readonly varianceType;
  private readonly alphasCumprod: Float32Array;
  private readonly threshold: DynamicThreshold | null;
  private readonly noise: NoiseSource;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    this.config = resolveConfig(raw, DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.varianceType = requireOneOf(this.config.variance_type, VARIANCE_TYPES, 'variance_type', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
    this.threshold = configuredThreshold(this.config, options);
    this.noise = new NoiseSource(options.random, 'DDPM');
  }

  setTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = integerTimesteps(this.spacing, c.num_train_timesteps, n, c.steps_offset);
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  /** Standard deviation of the added noise for the configured variance type. */
  private noiseStd(alphaProd: number, alphaPrev: number, betaT: number): number {
    const variance = Math.max(f(f(f(1 - alphaPrev) / f(1 - alphaProd)) * betaT), 1e-20);
    return f(Math.sqrt(this.varianceType === 'fixed_large' ? betaT : variance));
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'DDPM step');
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'DDPM');
    const index = StepCursor.lookup(this.timesteps, t, 'DDPM');
    const prevT = index === this.timesteps.length - 1 ? -1 : this.timesteps[index + 1]!;
    // Scalars in float32 like torch: 1 − ᾱ_t/ᾱ_prev cancels, and diffusers' results carry that rounding.
    const alphaProd = this.alphasCumprod[t]!;
    const alphaPrev = alphaProdAt(this.alphasCumprod, prevT, 1);
    const betaProd = f(1 - alphaProd);
    const betaPrev = f(1 - alphaPrev);
    const currentAlpha = f(alphaProd / alphaPrev);
    const currentBeta = f(1 - currentAlpha);
    const { cx, ce } = x0FromAlpha(this.prediction, f(Math.sqrt(alphaProd)), f(Math.sqrt(betaProd)));

    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < x0.length; i++) x0[i] = cx * sample[i]! + ce * modelOutput[i]!;
    if (this.threshold) this.threshold.applyInPlace(x0);
    else if (this.config.clip_sample) clipInPlace(x0, this.config.clip_sample_range);

    const x0Coeff = f(f(f(Math.sqrt(alphaPrev)) * currentBeta) / betaProd);
    const sampleCoeff = f(f(f(Math.sqrt(currentAlpha)) * betaPrev) / betaProd);
    const noise = t > 0 ? this.noise.draw(sample.length, opts?.noise) : null;
    const std = noise ? this.noiseStd(alphaProd, alphaPrev, currentBeta) : 0;
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) {
      prev[i] = x0Coeff * x0[i]! + sampleCoeff * sample[i]! + (noise ? std * noise[i]! : 0);
    }
    return { prevSample: prev, predOriginalSample: x0 };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'DDPM');
    return noiseWithAlpha(original, noise, this.alphasCumprod[t]!);
  }
}
