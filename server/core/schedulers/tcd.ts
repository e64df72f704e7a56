// Trajectory Consistency Distillation sampling (Zheng et al. 2024), after diffusers' TCDScheduler.
import { requireTrainingTimestep } from './alpha-timestep.js';
import { ConsistencyScheduler } from './consistency.js';
import { EaselError } from '../errors.js';
import { checkSameLength } from './noise.js';
import type { SchedulerOptions, StepOptions, StepResult } from './types.js';

/** The gamma TCD's pipeline uses unless told otherwise. */
const DEFAULT_GAMMA = 0.3;

export class TcdScheduler extends ConsistencyScheduler {
  private readonly gamma: number;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(raw, options, 'TCDScheduler', 'TCD');
    this.gamma = options.eta ?? DEFAULT_GAMMA;
    if (!(this.gamma >= 0 && this.gamma <= 1)) throw new EaselError('INVALID_INPUT', `TCD gamma (eta) must lie in [0, 1], got ${this.gamma}`);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'TCD step');
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'TCD');
    const index = this.cursor.at(this.timesteps, t);
    const last = index === this.timesteps.length - 1;
    const prevT = last ? 0 : this.timesteps[index + 1]!;
    // TCD jumps to an intermediate s = (1 − γ)·t_prev and re-noises from there to t_prev.
    const s = Math.floor((1 - this.gamma) * prevT);
    const alphaProd = this.alphasCumprod[t]!;
    const alphaPrev = this.alphasCumprod[prevT]!;
    const alphaS = this.alphasCumprod[s]!;
    const sqrtA = Math.sqrt(alphaProd);
    const sqrtB = Math.sqrt(1 - alphaProd);
    const sqrtAs = Math.sqrt(alphaS);
    const sqrtBs = Math.sqrt(1 - alphaS);
    const stochastic = this.gamma > 0 && !last;
    const noise = stochastic ? this.noise.draw(sample.length, opts?.noise) : null;
    const keep = stochastic ? Math.sqrt(alphaPrev / alphaS) : 1;
    const fresh = stochastic ? Math.sqrt(1 - alphaPrev / alphaS) : 0;
    const x0 = new Float32Array(sample.length);
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) {
      const x = sample[i]!;
      const e = modelOutput[i]!;
      let original: number;
      let eps: number;
      if (this.prediction === 'epsilon') {
        original = (x - sqrtB * e) / sqrtA;
        eps = e;
      } else if (this.prediction === 'sample') {
        original = e;
        eps = (x - sqrtA * e) / sqrtB;
      } else {
        original = sqrtA * x - sqrtB * e;
        eps = sqrtA * e + sqrtB * x;
      }
      x0[i] = original;
      prev[i] = keep * (sqrtAs * original + sqrtBs * eps) + (noise ? fresh * noise[i]! : 0);
    }
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
