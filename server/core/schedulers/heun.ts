// Heun's second-order method (Karras et al. 2022, algorithm 1 without churn), after diffusers' HeunDiscreteScheduler.
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { checkSameLength } from './noise.js';
import { x0FromSigma } from './prediction.js';
import { buildSigmaGrid, SIGMA_DEFAULTS, SigmaScheduler } from './sigma-schedule.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import type { StepResult } from './types.js';

const NAME = 'HeunDiscreteScheduler';

const DEFAULTS = {
  ...SIGMA_DEFAULTS,
  beta_start: 0.00085,
  beta_end: 0.012,
  clip_sample: false,
  clip_sample_range: 1.0,
};

export class HeunScheduler extends SigmaScheduler {
  readonly order = 2;
  private readonly config;
  private readonly prediction;
  protected readonly spacing;
  private readonly alphasCumprod: Float32Array;
  /** Between the two evaluations of a step: the Euler derivative, its dt and the sample it started from. */
  private derivative = new Float32Array(0);
  private dt: number | null = null;
  private startSample: Float32Array | null = null;

  constructor(raw: Record<string, unknown>) {
    super(NAME, 'Heun');
    this.config = resolveConfig(raw, DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
  }

  setTimesteps(n: number): void {
    const grid = buildSigmaGrid(this.config, this.spacing, this.alphasCumprod, n, false);
    const sigmas = Array.from(Float32Array.from([...grid.sigmas, 0]));
    this.sigmas = [sigmas[0]!, ...sigmas.slice(1, -1).flatMap((s) => [s, s]), 0];
    this.timesteps = [grid.timesteps[0]!, ...grid.timesteps.slice(1).flatMap((t) => [t, t])];
    this.dt = null;
    this.startSample = null;
    this.cursor.reset();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepResult {
    checkSameLength(modelOutput, sample, 'Heun step');
    const index = this.cursor.at(this.timesteps, t);
    const firstOrder = this.dt === null;
    const sigma = this.sigmas[firstOrder ? index : index - 1]!;
    const sigmaNext = this.sigmas[firstOrder ? index + 1 : index]!;
    const sigmaInput = firstOrder ? sigma : sigmaNext;
    const { cx, ce } = x0FromSigma(this.prediction, sigmaInput);
    const clip = this.config.clip_sample ? this.config.clip_sample_range : Infinity;
    if (this.derivative.length !== sample.length) this.derivative = new Float32Array(sample.length);
    const derivative = this.derivative;
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    if (firstOrder) {
      const dt = sigmaNext - sigma;
      for (let i = 0; i < prev.length; i++) {
        const x = sample[i]!;
        const denoised = Math.min(Math.max(cx * x + ce * modelOutput[i]!, -clip), clip);
        x0[i] = denoised;
        derivative[i] = (x - denoised) / sigma;
        prev[i] = x + derivative[i]! * dt;
      }
      this.dt = dt;
      this.startSample = sample;
    } else {
      const dt = this.dt!;
      const start = this.startSample!;
      for (let i = 0; i < prev.length; i++) {
        const x = sample[i]!;
        const denoised = Math.min(Math.max(cx * x + ce * modelOutput[i]!, -clip), clip);
        x0[i] = denoised;
        const averaged = (derivative[i]! + (x - denoised) / sigmaNext) / 2;
        prev[i] = start[i]! + averaged * dt;
      }
      this.dt = null;
      this.startSample = null;
    }
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
