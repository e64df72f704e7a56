// Latent Consistency Model sampling (Luo et al. 2023), after diffusers' LCMScheduler.
import { requireTrainingTimestep } from './alpha-timestep.js';
import { ConsistencyScheduler } from './consistency.js';
import { checkSameLength } from './noise.js';
import { x0FromAlpha } from './prediction.js';
import { clipInPlace, configuredThreshold, type DynamicThreshold } from './threshold.js';
import type { SchedulerOptions, StepOptions, StepResult } from './types.js';

const SIGMA_DATA = 0.5;

export class LcmScheduler extends ConsistencyScheduler {
  private readonly threshold: DynamicThreshold | null;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(raw, options, 'LCMScheduler', 'LCM');
    this.threshold = configuredThreshold(this.config, options);
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
}
