// DDIM (Song et al. 2020), after diffusers' DDIMScheduler; deterministic unless eta > 0.
import { requireTrainingTimestep, alphaProdAt } from './alpha-timestep.js';
import { computeAlphasCumprod, BETA_DEFAULTS } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { checkSameLength, NoiseSource, noiseWithAlpha } from './noise.js';
import { integerTimesteps, TIMESTEP_SPACINGS } from './spacing.js';
import { clipInPlace, configuredThreshold, type DynamicThreshold } from './threshold.js';
import type { Scheduler, SchedulerOptions, StepOptions, StepResult } from './types.js';

const NAME = 'DDIMScheduler';

const DEFAULTS = {
  ...BETA_DEFAULTS,
  clip_sample: true,
  set_alpha_to_one: true,
  steps_offset: 0,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  clip_sample_range: 1.0,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
  rescale_betas_zero_snr: false,
};

export class DdimScheduler implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly config;
  private readonly alphasCumprod: Float32Array;
  private readonly finalAlphaCumprod: number;
  private readonly prediction;
  private readonly spacing;
  private readonly threshold: DynamicThreshold | null;
  private readonly eta: number;
  private readonly noise: NoiseSource;
  private numInferenceSteps = 0;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    this.config = resolveConfig(raw, DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0]!;
    this.threshold = configuredThreshold(this.config, options);
    this.eta = options.eta ?? 0;
    this.noise = new NoiseSource(options.random, 'DDIM');
  }

  setTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = integerTimesteps(this.spacing, c.num_train_timesteps, n, c.steps_offset);
    this.numInferenceSteps = n;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'DDIM step');
    const train = this.config.num_train_timesteps;
    requireTrainingTimestep(t, train, 'DDIM');
    const prevT = t - Math.floor(train / this.numInferenceSteps);
    const alphaProd = this.alphasCumprod[t]!;
    const alphaPrev = alphaProdAt(this.alphasCumprod, prevT, this.finalAlphaCumprod);
    const betaProd = 1 - alphaProd;
    const sqrtAlpha = Math.sqrt(alphaProd);
    const sqrtBeta = Math.sqrt(betaProd);

    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < x0.length; i++) {
      const e = modelOutput[i]!;
      const x = sample[i]!;
      if (this.prediction === 'epsilon') x0[i] = (x - sqrtBeta * e) / sqrtAlpha;
      else if (this.prediction === 'sample') x0[i] = e;
      else x0[i] = sqrtAlpha * x - sqrtBeta * e;
    }
    if (this.threshold) this.threshold.applyInPlace(x0);
    else if (this.config.clip_sample) clipInPlace(x0, this.config.clip_sample_range);

    const variance = ((1 - alphaPrev) / betaProd) * (1 - alphaProd / alphaPrev);
    const stdDev = this.eta * Math.sqrt(variance);
    const direction = Math.sqrt(1 - alphaPrev - stdDev * stdDev);
    const sqrtAlphaPrev = Math.sqrt(alphaPrev);
    const noise = this.eta > 0 ? this.noise.draw(sample.length, opts?.noise) : null;
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) {
      const e = modelOutput[i]!;
      const x = sample[i]!;
      const eps =
        this.prediction === 'epsilon'
          ? e
          : this.prediction === 'sample'
            ? (x - sqrtAlpha * e) / sqrtBeta
            : sqrtAlpha * e + sqrtBeta * x;
      prev[i] = sqrtAlphaPrev * x0[i]! + direction * eps + (noise ? stdDev * noise[i]! : 0);
    }
    return { prevSample: prev, predOriginalSample: x0 };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'DDIM');
    return noiseWithAlpha(original, noise, this.alphasCumprod[t]!);
  }
}
