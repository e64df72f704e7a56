// UniPC multistep predictor–corrector (Zhao et al. 2023), after diffusers' UniPCMultistepScheduler.
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

const NAME = 'UniPCMultistepScheduler';
const DEFAULTS = {
  ...MULTISTEP_DEFAULTS,
  ...MULTISTEP_SPACING_DEFAULTS,
  predict_x0: true,
  solver_type: 'bh2',
  disable_corrector: [] as readonly number[],
  final_sigmas_type: 'zero',
  rescale_betas_zero_snr: false,
  sigma_min: null as number | null,
  sigma_max: null as number | null,
};

/** Solves the small (≤ 3×3) system R·x = b by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row.slice(0, n), rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const factor = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[r]![k] = m[r]![k]! - factor * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = m[r]![n]!;
    for (let k = r + 1; k < n; k++) acc -= m[r]![k]! * x[k]!;
    x[r] = acc / m[r]![r]!;
  }
  return x;
}

interface UniCoefficients {
  /** Weight of the base sample. */
  a: number;
  /** Weight of m0 before the divided differences. */
  m0: number;
  /** αB(h) or σB(h): the factor in front of the rho-weighted differences. */
  scale: number;
  rks: number[];
  b: number[];
}

export class UniPcScheduler extends ExponentialIntegratorScheduler {
  private readonly config;
  private readonly prediction;
  private readonly spacing;
  private readonly bh1: boolean;
  private readonly alphasCumprod: Float32Array;
  private readonly threshold: DynamicThreshold | null;
  private readonly history: OutputHistory;
  private lowerOrderNums = 0;
  private lastSample: Float32Array | null = null;
  private thisOrder = 1;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(NAME, 'UniPC');
    const c = resolveConfig(raw, DEFAULTS, NAME);
    this.config = c;
    this.prediction = requireOneOf(c.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(c.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    requireOneOf(c.final_sigmas_type, ['zero', 'sigma_min'], 'final_sigmas_type', NAME);
    const solver = requireOneOf(c.solver_type, ['bh1', 'bh2', 'midpoint', 'heun', 'logrho'], 'solver_type', NAME);
    this.bh1 = solver === 'bh1';
    requireSolverOrder(c.solver_order, NAME);
    this.alphasCumprod = computeAlphasCumprod(c, NAME, true);
    this.threshold = configuredThreshold(c, options);
    this.history = new OutputHistory(c.solver_order + 1);
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
      karrasBounds: c,
      finalSigma: (sigmas, smallest) => {
        if (c.final_sigmas_type === 'zero') return 0;
        return c.use_karras_sigmas ? sigmas[sigmas.length - 1]! : smallest;
      },
    });
    this.timesteps = grid.timesteps;
    this.sigmas = grid.sigmas;
    this.history.clear();
    this.lowerOrderNums = 0;
    this.lastSample = null;
    this.cursor.reset();
  }

  /** B(h)-weighted coefficients of the UniPC update from s0 to t over `order` points (Zhao et al., eq. 8). */
  private coefficients(t: AlphaSigma, s0: AlphaSigma, earlier: AlphaSigma[], order: number): UniCoefficients {
    const h = t.lambda - s0.lambda;
    const rks = [...earlier.map((s) => (s.lambda - s0.lambda) / h), 1];
    const hh = this.config.predict_x0 ? -h : h;
    const hPhi1 = Math.expm1(hh);
    const bH = this.bh1 ? hh : Math.expm1(hh);
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    const b: number[] = [];
    for (let i = 1; i <= order; i++) {
      b.push((hPhiK * factorial) / bH);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    return this.config.predict_x0
      ? { a: t.sigma / s0.sigma, m0: -t.alpha * hPhi1, scale: t.alpha * bH, rks, b }
      : { a: t.alpha / s0.alpha, m0: -t.sigma * hPhi1, scale: t.sigma * bH, rks, b };
  }

  private rMatrix(rks: number[], size: number): number[][] {
    return Array.from({ length: size }, (_, i) => rks.slice(0, size).map((r) => r ** i));
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepResult {
    checkSameLength(modelOutput, sample, 'UniPC step');
    const c = this.config;
    const index = this.cursor.at(this.timesteps, t);
    const useCorrector = index > 0 && !c.disable_corrector.includes(index - 1) && this.lastSample !== null;
    // Stored first; the corrector then reads the earlier outputs one place further back.
    const converted = this.history.push(sample.length);
    const now = predictX0Into(converted, modelOutput, sample, this.prediction, this.sigmas[index]!, this.threshold);
    if (!c.predict_x0) {
      for (let i = 0; i < converted.length; i++) converted[i] = (sample[i]! - now.alpha * converted[i]!) / now.sigma;
    }
    const corrected = useCorrector ? this.correct(converted, index) : sample;
    const limit = c.lower_order_final ? Math.min(c.solver_order, this.timesteps.length - index) : c.solver_order;
    this.thisOrder = Math.min(limit, this.lowerOrderNums + 1);
    this.lastSample = corrected;
    const prev = this.predict(corrected, index, this.thisOrder);
    if (this.lowerOrderNums < c.solver_order) this.lowerOrderNums += 1;
    this.cursor.advance();
    return { prevSample: prev };
  }

  /** UniP: extrapolates from the stored outputs, m0 being this step's. */
  private predict(x: Float32Array, index: number, order: number): Float32Array {
    const at = (k: number) => alphaSigma(this.sigmas[index + k]!);
    const earlier = Array.from({ length: order - 1 }, (_, i) => at(-(i + 1)));
    const k = this.coefficients(at(1), at(0), earlier, order);
    const rhos = order === 1 ? [] : order === 2 ? [0.5] : solve(this.rMatrix(k.rks, order - 1), k.b.slice(0, order - 1));
    return this.apply(x, k, rhos, 0, null, 0);
  }

  /** UniC: refines this step's input with the fresh output before it is stored. */
  private correct(modelT: Float32Array, index: number): Float32Array {
    const order = this.thisOrder;
    const at = (k: number) => alphaSigma(this.sigmas[index + k]!);
    const earlier = Array.from({ length: order - 1 }, (_, i) => at(-(i + 2)));
    const k = this.coefficients(at(0), at(-1), earlier, order);
    const rhos = order === 1 ? [0.5] : solve(this.rMatrix(k.rks, order), k.b);
    return this.apply(this.lastSample!, k, rhos.slice(0, -1), 1, modelT, rhos[rhos.length - 1]!);
  }

  /** a·x + m0w·m0 − scale·(Σ ρ_k (m_k − m0)/r_k + ρ_t (model_t − m0)), m0 sitting `offset` places back. */
  private apply(
    x: Float32Array,
    k: UniCoefficients,
    rhos: number[],
    offset: number,
    modelT: Float32Array | null,
    rhoT: number,
  ): Float32Array {
    const terms = [this.history.back(offset)];
    let m0Weight = k.m0;
    const weights = [0];
    rhos.forEach((rho, i) => {
      const w = (-k.scale * rho) / k.rks[i]!;
      terms.push(this.history.back(i + 1 + offset));
      weights.push(w);
      m0Weight -= w;
    });
    if (modelT) {
      terms.push(modelT);
      weights.push(-k.scale * rhoT);
      m0Weight += k.scale * rhoT;
    }
    weights[0] = m0Weight;
    return combineInto(x, k.a, terms, weights, null, 0);
  }
}
