// DEIS multistep (Zhang & Chen 2022, log-rho variant), after diffusers' DEISMultistepScheduler.
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import type { AlphaSigma } from './multistep-common.js';
import {
  alphaSigma,
  combineInto,
  ExponentialIntegratorScheduler,
  MULTISTEP_DEFAULTS,
  MULTISTEP_SPACING_DEFAULTS,
  multistepGrid,
  predictX0Into,
  requireSolverOrder,
} from './multistep-common.js';
import { checkSameLength } from './noise.js';
import { OutputHistory } from './output-history.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import { configuredThreshold, type DynamicThreshold } from './threshold.js';
import type { SchedulerOptions, StepResult } from './types.js';

const NAME = 'DEISMultistepScheduler';
const DEFAULTS = { ...MULTISTEP_DEFAULTS, ...MULTISTEP_SPACING_DEFAULTS, algorithm_type: 'deis', solver_type: 'logrho' };

/** ∫ of the Lagrange basis in log rho (rho = σ/α), second order. */
function ind2(t: number, b: number, c: number): number {
  return (t * (-Math.log(c) + Math.log(t) - 1)) / (Math.log(b) - Math.log(c));
}

/** Third-order counterpart of ind2. */
function ind3(t: number, b: number, c: number, d: number): number {
  const [lt, lc, ld] = [Math.log(t), Math.log(c), Math.log(d)];
  const numerator = t * (lc * (ld - lt + 1) - ld * lt + ld + lt ** 2 - 2 * lt + 2);
  return numerator / ((Math.log(b) - lc) * (Math.log(b) - ld));
}

const rho = (p: AlphaSigma): number => p.sigma / p.alpha;

export class DeisScheduler extends ExponentialIntegratorScheduler {
  private readonly config;
  private readonly prediction;
  private readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private readonly threshold: DynamicThreshold | null;
  private readonly history: OutputHistory;
  private lowerOrderNums = 0;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(NAME, 'DEIS');
    const c = resolveConfig(raw, DEFAULTS, NAME);
    this.config = c;
    requireOneOf(c.algorithm_type, ['deis', 'dpmsolver', 'dpmsolver++'], 'algorithm_type', NAME);
    requireOneOf(c.solver_type, ['logrho', 'midpoint', 'heun', 'bh1', 'bh2'], 'solver_type', NAME);
    this.prediction = requireOneOf(c.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(c.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    requireSolverOrder(c.solver_order, NAME);
    this.alphasCumprod = computeAlphasCumprod({ ...c, rescale_betas_zero_snr: false }, NAME);
    this.threshold = configuredThreshold(c, options);
    this.history = new OutputHistory(c.solver_order);
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const grid = multistepGrid(this.alphasCumprod, {
      spacing: this.spacing,
      numTrainTimesteps: c.num_train_timesteps,
      stepsOffset: c.steps_offset,
      n,
      karras: c.use_karras_sigmas,
      roundKarrasTimesteps: true,
      // DEIS repeats the last Karras sigma, and otherwise ends at the smallest training sigma.
      finalSigma: (sigmas, smallest) => (c.use_karras_sigmas ? sigmas[sigmas.length - 1]! : smallest),
    });
    this.timesteps = grid.timesteps;
    this.sigmas = grid.sigmas;
    this.history.clear();
    this.lowerOrderNums = 0;
    this.cursor.reset();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepResult {
    checkSameLength(modelOutput, sample, 'DEIS step');
    const c = this.config;
    const index = this.cursor.at(this.timesteps, t);
    const count = this.timesteps.length;
    const lowerFinal = index === count - 1 && c.lower_order_final && count < 15;
    const lowerSecond = index === count - 2 && c.lower_order_final && count < 15;
    // DEIS integrates ε, recovered from the (possibly thresholded) x0.
    const eps = this.history.push(sample.length);
    const now = predictX0Into(eps, modelOutput, sample, this.prediction, this.sigmas[index]!, this.threshold);
    for (let i = 0; i < eps.length; i++) eps[i] = (sample[i]! - now.alpha * eps[i]!) / now.sigma;

    const at = (k: number) => alphaSigma(this.sigmas[index + k]!);
    const target = at(1);
    const s0 = at(0);
    let a: number;
    let b: number[];
    if (c.solver_order === 1 || this.lowerOrderNums < 1 || lowerFinal) {
      a = target.alpha / s0.alpha;
      b = [-target.sigma * Math.expm1(target.lambda - s0.lambda)];
    } else if (c.solver_order === 2 || this.lowerOrderNums < 2 || lowerSecond) {
      const [rt, r0, r1] = [rho(target), rho(s0), rho(at(-1))];
      a = target.alpha / s0.alpha;
      b = [ind2(rt, r0, r1) - ind2(r0, r0, r1), ind2(rt, r1, r0) - ind2(r0, r1, r0)].map((v) => target.alpha * v);
    } else {
      const [rt, r0, r1, r2] = [rho(target), rho(s0), rho(at(-1)), rho(at(-2))];
      a = target.alpha / s0.alpha;
      b = [
        ind3(rt, r0, r1, r2) - ind3(r0, r0, r1, r2),
        ind3(rt, r1, r2, r0) - ind3(r0, r1, r2, r0),
        ind3(rt, r2, r0, r1) - ind3(r0, r2, r0, r1),
      ].map((v) => target.alpha * v);
    }
    const terms = b.map((_, k) => this.history.back(k));
    const prev = combineInto(sample, a, terms, b, null, 0);
    if (this.lowerOrderNums < c.solver_order) this.lowerOrderNums += 1;
    this.cursor.advance();
    return { prevSample: prev };
  }
}
