// Euler and Euler ancestral (Karras et al. 2022 / k-diffusion), after diffusers' EulerDiscrete and EulerAncestralDiscrete.
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { checkSameLength, NoiseSource } from './noise.js';
import { x0FromSigma } from './prediction.js';
import { buildSigmaGrid, SIGMA_DEFAULTS, SigmaScheduler } from './sigma-schedule.js';
import { trainingSigmas } from './sigmas.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import type { SchedulerOptions, StepOptions, StepResult } from './types.js';

const EULER_DEFAULTS = {
  ...SIGMA_DEFAULTS,
  interpolation_type: 'linear',
  sigma_min: null as number | null,
  sigma_max: null as number | null,
  timestep_type: 'discrete',
  final_sigmas_type: 'zero',
  rescale_betas_zero_snr: false,
};

const ANCESTRAL_DEFAULTS = { ...SIGMA_DEFAULTS, rescale_betas_zero_snr: false };

/** EulerAncestralDiscreteScheduler has none of Euler's sigma options: they keep Euler's plain behaviour. */
const ANCESTRAL_FIXED = {
  use_karras_sigmas: false,
  interpolation_type: 'linear',
  sigma_min: null,
  sigma_max: null,
  timestep_type: 'discrete',
  final_sigmas_type: 'zero',
};

/** Euler steps along dx/dσ; the ancestral variant steps down to σ_down and adds fresh noise up to σ_next. */
export class EulerScheduler extends SigmaScheduler {
  readonly order = 1;
  private readonly config;
  private readonly prediction;
  protected readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private readonly noise: NoiseSource;

  constructor(
    raw: Record<string, unknown>,
    options: SchedulerOptions,
    private readonly ancestral: boolean,
  ) {
    const name = ancestral ? 'EulerAncestralDiscreteScheduler' : 'EulerDiscreteScheduler';
    super(name, name, ancestral ? 'Euler a' : 'Euler');
    this.config = ancestral
      ? { ...resolveConfig(raw, ANCESTRAL_DEFAULTS, name), ...ANCESTRAL_FIXED }
      : resolveConfig(raw, EULER_DEFAULTS, name);
    this.prediction = requireOneOf(this.config.prediction_type, ancestral ? ['epsilon', 'v_prediction'] as const : PREDICTION_TYPES, 'prediction_type', name);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', name);
    requireOneOf(this.config.interpolation_type, ['linear', 'log_linear'], 'interpolation_type', name);
    requireOneOf(this.config.timestep_type, ['discrete'], 'timestep_type', name);
    requireOneOf(this.config.final_sigmas_type, ['zero', 'sigma_min'], 'final_sigmas_type', name);
    this.alphasCumprod = computeAlphasCumprod(this.config, name, true);
    this.noise = new NoiseSource(options.random, 'Euler a');
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const grid = buildSigmaGrid(c, this.spacing, this.alphasCumprod, n, false);
    let sigmas = grid.sigmas;
    if (c.interpolation_type === 'log_linear' && !c.use_karras_sigmas) sigmas = this.logLinearSigmas(n);
    const last = c.final_sigmas_type === 'sigma_min' ? trainingSigmas(this.alphasCumprod)[0]! : 0;
    this.timesteps = grid.timesteps;
    this.sigmas = Array.from(Float32Array.from([...sigmas, last]));
    this.cursor.reset();
  }

  /** Log-uniform from the largest to the smallest training sigma over n + 1 points, as diffusers builds them. */
  private logLinearSigmas(n: number): number[] {
    const train = trainingSigmas(this.alphasCumprod);
    const from = Math.log(train[train.length - 1]!);
    const to = Math.log(train[0]!);
    return Array.from({ length: n + 1 }, (_, i) => Math.exp(from + ((to - from) * i) / n));
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, `${this.label} step`);
    const index = this.cursor.at(this.timesteps, t);
    const sigma = this.sigmas[index]!;
    const sigmaNext = this.sigmas[index + 1]!;
    const { cx, ce } = x0FromSigma(this.prediction, sigma);
    let target = sigmaNext;
    let sigmaUp = 0;
    if (this.ancestral) {
      sigmaUp = Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2);
      target = Math.sqrt(sigmaNext ** 2 - sigmaUp ** 2);
    }
    const dt = target - sigma;
    const noise = this.ancestral ? this.noise.draw(sample.length, opts?.noise) : null;
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) {
      const x = sample[i]!;
      const denoised = cx * x + ce * modelOutput[i]!;
      x0[i] = denoised;
      prev[i] = x + ((x - denoised) / sigma) * dt + (noise ? noise[i]! * sigmaUp : 0);
    }
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
