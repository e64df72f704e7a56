// Latent Consistency Model sampling (Luo et al. 2023), after diffusers' LCMScheduler.
import { requireTrainingTimestep } from './alpha-timestep.js';
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { CONSISTENCY_DEFAULTS, consistencyTimesteps } from './consistency.js';
import { checkSameLength, NoiseSource, noiseWithAlpha } from './noise.js';
import { x0FromAlpha } from './prediction.js';
import { StepCursor } from './sigma-schedule.js';
import { clipInPlace, DynamicThreshold } from './threshold.js';
import type { Scheduler, SchedulerOptions, StepOptions, StepResult } from './types.js';

const NAME = 'LCMScheduler';
const SIGMA_DATA = 0.5;

export class LcmScheduler implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly config;
  private readonly prediction;
  private readonly alphasCumprod: Float32Array;
  private readonly threshold: DynamicThreshold | null;
  private readonly cursor = new StepCursor('LCM');
  private readonly noise: NoiseSource;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    this.config = resolveConfig(raw, CONSISTENCY_DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
    this.threshold = this.config.thresholding
      ? new DynamicThreshold(this.config.dynamic_thresholding_ratio, this.config.sample_max_value, options.batchSize ?? 1)
      : null;
    this.noise = new NoiseSource(options.random, 'LCM');
  }

  setTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = consistencyTimesteps(c.num_train_timesteps, c.original_inference_steps, n, 'LCM');
    this.cursor.reset();
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'LCM step');
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'LCM');
    const index = this.cursor.at(this.timesteps, t);
    const last = index === this.timesteps.length - 1;
    const prevT = last ? t : this.timesteps[index + 1]!;
    const alphaProd = this.alphasCumprod[t]!;
    const alphaPrev = prevT >= 0 ? this.alphasCumprod[prevT]! : this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0]!;
    // Boundary-condition scalings of the consistency function (Song et al. 2023).
    const scaledT = t * this.config.timestep_scaling;
    const cSkip = SIGMA_DATA ** 2 / (scaledT ** 2 + SIGMA_DATA ** 2);
    const cOut = scaledT / Math.sqrt(scaledT ** 2 + SIGMA_DATA ** 2);
    const { cx, ce } = x0FromAlpha(this.prediction, Math.sqrt(alphaProd), Math.sqrt(1 - alphaProd));

    const denoised = new Float32Array(sample.length);
    for (let i = 0; i < denoised.length; i++) denoised[i] = cx * sample[i]! + ce * modelOutput[i]!;
    if (this.threshold) this.threshold.applyInPlace(denoised);
    else if (this.config.clip_sample) clipInPlace(denoised, this.config.clip_sample_range);
    for (let i = 0; i < denoised.length; i++) denoised[i] = cOut * denoised[i]! + cSkip * sample[i]!;
    if (last) return { prevSample: denoised, predOriginalSample: denoised };

    const noise = this.noise.draw(sample.length, opts?.noise);
    const a = Math.sqrt(alphaPrev);
    const b = Math.sqrt(1 - alphaPrev);
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) prev[i] = a * denoised[i]! + b * noise[i]!;
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: denoised };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'LCM');
    return noiseWithAlpha(original, noise, this.alphasCumprod[t]!);
  }
}
