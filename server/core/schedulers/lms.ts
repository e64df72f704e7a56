// Linear multistep (k-diffusion's sample_lms, order 4), after diffusers' LMSDiscreteScheduler.
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import { checkSameLength } from './noise.js';
import { OutputHistory } from './output-history.js';
import { x0FromSigma } from './prediction.js';
import { buildSigmaGrid, SIGMA_DEFAULTS, SigmaScheduler } from './sigma-schedule.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import type { StepResult } from './types.js';

const NAME = 'LMSDiscreteScheduler';
const MAX_ORDER = 4;

/** Three-point Gauss–Legendre nodes and weights on [-1, 1]: exact for the cubic Lagrange bases LMS integrates. */
const GAUSS_NODES = [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)];
const GAUSS_WEIGHTS = [5 / 9, 8 / 9, 5 / 9];

export class LmsScheduler extends SigmaScheduler {
  readonly order = 1;
  private readonly config;
  private readonly prediction;
  protected readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private readonly derivatives = new OutputHistory(MAX_ORDER);

  constructor(raw: Record<string, unknown>) {
    super(NAME, 'LMS');
    this.config = resolveConfig(raw, SIGMA_DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
  }

  setTimesteps(n: number): void {
    const grid = buildSigmaGrid(this.config, this.spacing, this.alphasCumprod, n, false);
    this.timesteps = grid.timesteps;
    this.sigmas = Array.from(Float32Array.from([...grid.sigmas, 0]));
    this.derivatives.clear();
    this.cursor.reset();
  }

  /** ∫ from σ_index to σ_index+1 of the Lagrange basis for history point `current` over the last `order` sigmas. */
  private coefficient(order: number, index: number, current: number): number {
    const lo = this.sigmas[index]!;
    const hi = this.sigmas[index + 1]!;
    const half = (hi - lo) / 2;
    let integral = 0;
    for (let q = 0; q < GAUSS_NODES.length; q++) {
      const tau = lo + half * (GAUSS_NODES[q]! + 1);
      let basis = 1;
      for (let k = 0; k < order; k++) {
        if (k === current) continue;
        basis *= (tau - this.sigmas[index - k]!) / (this.sigmas[index - current]! - this.sigmas[index - k]!);
      }
      integral += GAUSS_WEIGHTS[q]! * basis;
    }
    return integral * half;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepResult {
    checkSameLength(modelOutput, sample, 'LMS step');
    const index = this.cursor.at(this.timesteps, t);
    const sigma = this.sigmas[index]!;
    const { cx, ce } = x0FromSigma(this.prediction, sigma);
    const derivative = this.derivatives.push(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < x0.length; i++) {
      const x = sample[i]!;
      x0[i] = cx * x + ce * modelOutput[i]!;
      derivative[i] = (x - x0[i]!) / sigma;
    }
    const order = Math.min(index + 1, MAX_ORDER);
    const prev = Float32Array.from(sample);
    // Like diffusers' zip(): a schedule entered midway has fewer derivatives than its order and uses only those.
    for (let k = 0; k < Math.min(order, this.derivatives.size); k++) {
      const coeff = this.coefficient(order, index, k);
      const d = this.derivatives.back(k);
      for (let i = 0; i < prev.length; i++) prev[i] = prev[i]! + coeff * d[i]!;
    }
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
