// DPM-Solver++ multistep (2M by default) and its SDE variant, after diffusers' DPMSolverMultistepScheduler.
import { EaselError } from '../errors.js';
import { computeAlphasCumprod } from './betas.js';
import { PREDICTION_TYPES, requireOneOf, resolveConfig } from './config.js';
import type { AlgorithmType, Update } from './dpm-solver-coefficients.js';
import { ALGORITHM_TYPES, firstOrder, multistepSecond, multistepThird } from './dpm-solver-coefficients.js';
import { convertOutputInto } from './dpm-solver-convert.js';
import { checkSameLength, NoiseSource } from './noise.js';
import {
  alphaSigma,
  clippedIndex,
  combineInto,
  ExponentialIntegratorScheduler,
  MULTISTEP_DEFAULTS,
  MULTISTEP_SPACING_DEFAULTS,
  multistepGrid,
} from './multistep-common.js';
import { OutputHistory } from './output-history.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import { configuredThreshold, type DynamicThreshold } from './threshold.js';
import type { SchedulerOptions, StepOptions, StepResult } from './types.js';

const NAME = 'DPMSolverMultistepScheduler';

const DEFAULTS = {
  ...MULTISTEP_DEFAULTS,
  ...MULTISTEP_SPACING_DEFAULTS,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  euler_at_final: false,
  final_sigmas_type: 'zero',
  lambda_min_clipped: -Infinity,
  rescale_betas_zero_snr: false,
};

export class DpmSolverMultistepScheduler extends ExponentialIntegratorScheduler {
  private readonly config;
  private readonly algorithm: AlgorithmType;
  private readonly solver;
  private readonly prediction;
  private readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private readonly threshold: DynamicThreshold | null;
  private readonly history: OutputHistory;
  private readonly noise: NoiseSource;
  private lowerOrderNums = 0;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(NAME, 'DPM-Solver');
    const c = resolveConfig(raw, DEFAULTS, NAME);
    this.config = c;
    // diffusers maps DEIS's and UniPC's settings onto its own when a config is shared between them.
    this.algorithm = requireOneOf(c.algorithm_type === 'deis' ? 'dpmsolver++' : c.algorithm_type, ALGORITHM_TYPES, 'algorithm_type', NAME);
    this.solver = ['logrho', 'bh1', 'bh2'].includes(c.solver_type) ? 'midpoint' : requireOneOf(c.solver_type, ['midpoint', 'heun'] as const, 'solver_type', NAME);
    this.prediction = requireOneOf(c.prediction_type, PREDICTION_TYPES, 'prediction_type', NAME);
    this.spacing = requireOneOf(c.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    requireOneOf(c.final_sigmas_type, ['zero', 'sigma_min'], 'final_sigmas_type', NAME);
    if (![1, 2, 3].includes(c.solver_order) || (c.solver_order === 3 && this.algorithm === 'sde-dpmsolver')) {
      throw new EaselError('INVALID_MODEL', `${NAME}: solver_order ${c.solver_order} is not supported with algorithm_type ${this.algorithm}`);
    }
    if (c.final_sigmas_type === 'zero' && (this.algorithm === 'dpmsolver' || this.algorithm === 'sde-dpmsolver')) {
      throw new EaselError('INVALID_MODEL', `${NAME}: final_sigmas_type "zero" needs algorithm_type dpmsolver++ or sde-dpmsolver++`);
    }
    this.alphasCumprod = computeAlphasCumprod(c, NAME, true);
    this.threshold = configuredThreshold(c, options);
    this.history = new OutputHistory(c.solver_order);
    this.noise = new NoiseSource(options.random, 'DPM++ SDE');
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const grid = multistepGrid(this.alphasCumprod, {
      spacing: this.spacing,
      numTrainTimesteps: c.num_train_timesteps,
      stepsOffset: c.steps_offset,
      n,
      lastTimestep: c.num_train_timesteps - clippedIndex(this.alphasCumprod, c.lambda_min_clipped),
      karras: c.use_karras_sigmas,
      roundKarrasTimesteps: c.beta_schedule !== 'squaredcos_cap_v2',
      finalSigma: (_, smallest) => (c.final_sigmas_type === 'sigma_min' ? smallest : 0),
    });
    this.timesteps = grid.timesteps.map(Math.trunc);
    this.sigmas = grid.sigmas;
    this.history.clear();
    this.lowerOrderNums = 0;
    this.cursor.reset();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'DPM-Solver step');
    const c = this.config;
    const index = this.cursor.at(this.timesteps, t);
    const count = this.timesteps.length;
    const lowerFinal =
      index === count - 1 && (c.euler_at_final || (c.lower_order_final && count < 15) || c.final_sigmas_type === 'zero');
    const lowerSecond = index === count - 2 && c.lower_order_final && count < 15;
    const converted = this.history.push(sample.length);
    convertOutputInto(converted, modelOutput, sample, this.algorithm, this.prediction, this.sigmas[index]!, this.threshold);
    const stochastic = this.algorithm === 'sde-dpmsolver++' || this.algorithm === 'sde-dpmsolver';
    const noise = stochastic ? this.noise.draw(sample.length, opts?.noise) : null;

    const at = (k: number) => alphaSigma(this.sigmas[index + k]!);
    let update: Update;
    if (c.solver_order === 1 || this.lowerOrderNums < 1 || lowerFinal) {
      update = firstOrder(this.algorithm, at(1), at(0));
    } else if (c.solver_order === 2 || this.lowerOrderNums < 2 || lowerSecond) {
      update = multistepSecond(this.algorithm, this.solver, at(1), at(0), at(-1));
    } else {
      update = multistepThird(this.algorithm, at(1), at(0), at(-1), at(-2));
    }
    const terms = update.b.map((_, k) => this.history.back(k));
    const prev = combineInto(sample, update.a, terms, update.b, noise, update.c);
    if (this.lowerOrderNums < c.solver_order) this.lowerOrderNums += 1;
    this.cursor.advance();
    return { prevSample: prev };
  }
}
