// DPM-Solver++ singlestep, after diffusers' DPMSolverSinglestepScheduler.
import { EaselError } from '../errors.js';
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import type { Update } from './dpm-solver-coefficients.js';
import { firstOrder, singlestepSecond, singlestepThird } from './dpm-solver-coefficients.js';
import { convertOutputInto } from './dpm-solver-convert.js';
import { checkSameLength, NoiseSource } from './noise.js';
import {
  alphaSigma,
  clippedIndex,
  combineInto,
  ExponentialIntegratorScheduler,
  MULTISTEP_DEFAULTS,
  multistepGrid,
  requireSolverOrder,
} from './multistep-common.js';
import { OutputHistory } from './output-history.js';
import { configuredThreshold, type DynamicThreshold } from './threshold.js';
import type { SchedulerOptions, StepOptions, StepResult } from './types.js';

const NAME = 'DPMSolverSinglestepScheduler';

const DEFAULTS = {
  ...MULTISTEP_DEFAULTS,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: false,
  final_sigmas_type: 'zero',
  lambda_min_clipped: -Infinity,
};

/** The order of each step: cycles of 1, 2(, 3), each cycle restarting from a first-order step. */
function orderList(steps: number, order: number, lowerOrderFinal: boolean, finalZero: boolean): number[] {
  const cycle = Array.from({ length: order }, (_, i) => i + 1);
  const full = Math.floor(steps / order);
  let orders: number[];
  if (!lowerOrderFinal) orders = Array.from({ length: full }, () => cycle).flat();
  else if (order === 3 && steps % 3 === 0) orders = [...Array.from({ length: full - 1 }, () => cycle).flat(), 1, 2, 1];
  else if (order === 3) orders = [...Array.from({ length: full }, () => cycle).flat(), ...(steps % 3 === 1 ? [1] : [1, 2])];
  else if (order === 2 && steps % 2 === 0) orders = [...Array.from({ length: full - 1 }, () => cycle).flat(), 1, 1];
  else if (order === 2) orders = [...Array.from({ length: full }, () => cycle).flat(), 1];
  else orders = Array.from({ length: steps }, () => 1);
  if (finalZero) orders[orders.length - 1] = 1;
  return orders;
}

export class DpmSolverSinglestepScheduler extends ExponentialIntegratorScheduler {
  private readonly config;
  private readonly algorithm;
  private readonly solver;
  private readonly prediction;
  private readonly alphasCumprod: Float32Array;
  private readonly threshold: DynamicThreshold | null;
  private readonly history: OutputHistory;
  private readonly noise: NoiseSource;
  /** diffusers turns this on for good once a schedule needs it (register_to_config), so it is state here too. */
  private lowerOrderFinal: boolean;
  private orders: number[] = [];
  private baseSample: Float32Array | null = null;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(NAME, 'DPM-Solver singlestep');
    const c = resolveConfig(raw, DEFAULTS, NAME);
    this.config = c;
    this.algorithm = requireOneOf(c.algorithm_type === 'deis' ? 'dpmsolver++' : c.algorithm_type, ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++'] as const, 'algorithm_type', NAME);
    this.solver = ['logrho', 'bh1', 'bh2'].includes(c.solver_type) ? 'midpoint' : requireOneOf(c.solver_type, ['midpoint', 'heun'] as const, 'solver_type', NAME);
    this.prediction = requireOneOf(c.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    requireOneOf(c.final_sigmas_type, ['zero', 'sigma_min'], 'final_sigmas_type', NAME);
    requireSolverOrder(c.solver_order, NAME);
    if (c.final_sigmas_type === 'zero' && this.algorithm === 'dpmsolver') {
      throw new EaselError('INVALID_MODEL', `${NAME}: final_sigmas_type "zero" needs algorithm_type dpmsolver++ or sde-dpmsolver++`);
    }
    this.alphasCumprod = computeAlphasCumprod({ ...c, rescale_betas_zero_snr: false }, NAME);
    this.threshold = configuredThreshold(c, options);
    this.history = new OutputHistory(c.solver_order);
    this.noise = new NoiseSource(options.random, 'DPM++ singlestep SDE');
    this.lowerOrderFinal = c.lower_order_final;
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const grid = multistepGrid(this.alphasCumprod, {
      spacing: 'linspace',
      numTrainTimesteps: c.num_train_timesteps,
      stepsOffset: 0,
      n,
      lastTimestep: c.num_train_timesteps - clippedIndex(this.alphasCumprod, c.lambda_min_clipped),
      karras: c.use_karras_sigmas,
      roundKarrasTimesteps: true,
      finalSigma: (_, smallest) => (c.final_sigmas_type === 'sigma_min' ? smallest : 0),
    });
    this.timesteps = grid.timesteps;
    this.sigmas = grid.sigmas;
    if (n % c.solver_order !== 0 || c.final_sigmas_type === 'zero') this.lowerOrderFinal = true;
    this.orders = orderList(n, c.solver_order, this.lowerOrderFinal, c.final_sigmas_type === 'zero');
    this.history.clear();
    this.baseSample = null;
    this.cursor.reset();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'DPM-Solver singlestep step');
    const index = this.cursor.at(this.timesteps, t);
    const converted = this.history.push(sample.length);
    convertOutputInto(converted, modelOutput, sample, this.algorithm, this.prediction, this.sigmas[index]!, this.threshold);
    const noise = this.algorithm === 'sde-dpmsolver++' ? this.noise.draw(sample.length, opts?.noise) : null;
    let order = this.orders[index] ?? 1;
    while (order > this.history.size) order -= 1;
    if (order === 1) this.baseSample = sample;
    const at = (k: number) => alphaSigma(this.sigmas[index + k]!);
    let update: Update;
    if (order === 1) update = firstOrder(this.algorithm, at(1), at(0));
    else if (order === 2) update = singlestepSecond(this.algorithm, this.solver, at(1), at(0), at(-1));
    else update = singlestepThird(this.algorithm, this.solver, at(1), at(0), at(-1), at(-2));
    const terms = update.b.map((_, k) => this.history.back(k));
    const prev = combineInto(this.baseSample ?? sample, update.a, terms, update.b, noise, update.c);
    this.cursor.advance();
    return { prevSample: prev };
  }
}
