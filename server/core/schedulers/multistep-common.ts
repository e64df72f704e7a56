// Shared machinery of the exponential-integrator solvers (DPM-Solver multistep/singlestep, DEIS, UniPC).
import { EaselError } from '../errors.js';
import { BETA_DEFAULTS } from './betas.js';
import type { PredictionType } from './config.js';
import { checkSameLength } from './noise.js';
import { x0FromAlpha } from './prediction.js';
import type { TimestepSpacing } from './spacing.js';
import { multistepTimesteps, roundHalfEven } from './spacing.js';
import { StepCursor } from './sigma-schedule.js';
import { interpolate, karrasFromTable, logSigmas, sigmaToTimestep, trainingSigmas } from './sigmas.js';
import type { DynamicThreshold } from './threshold.js';
import type { Scheduler, StepOptions, StepResult } from './types.js';

export const MULTISTEP_DEFAULTS = {
  ...BETA_DEFAULTS,
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  lower_order_final: true,
  use_karras_sigmas: false,
};

/** Spacing keys of the multistep solvers; DPM-Solver singlestep has none and always spaces linearly. */
export const MULTISTEP_SPACING_DEFAULTS = { timestep_spacing: 'linspace', steps_offset: 0 };

export function requireSolverOrder(order: number, schedulerName: string): void {
  if (![1, 2, 3].includes(order)) throw new EaselError('INVALID_MODEL', `${schedulerName}: solver_order must be 1, 2 or 3, got ${order}`);
}

export interface AlphaSigma {
  alpha: number;
  sigma: number;
  lambda: number;
}

/** α_t = 1/√(σ²+1), σ_t = σ·α_t and the half-log-SNR λ = log α_t − log σ_t. */
export function alphaSigma(sigma: number): AlphaSigma {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const s = sigma * alpha;
  return { alpha, sigma: s, lambda: Math.log(alpha) - Math.log(s) };
}

interface GridRequest {
  spacing: TimestepSpacing;
  numTrainTimesteps: number;
  stepsOffset: number;
  n: number;
  lastTimestep?: number;
  karras: boolean;
  /** DPM-Solver keeps fractional Karras timesteps for the cosine schedule; the others always round. */
  roundKarrasTimesteps: boolean;
  karrasBounds?: { sigma_min?: number | null; sigma_max?: number | null };
  /** The sigma after the last step, given the grid's own sigmas and the smallest training sigma. */
  finalSigma: (sigmas: number[], smallestTrainingSigma: number) => number;
}

export function multistepGrid(alphasCumprod: Float32Array, r: GridRequest): { timesteps: number[]; sigmas: number[] } {
  let timesteps = multistepTimesteps(r.spacing, r.numTrainTimesteps, r.n, r.stepsOffset, r.lastTimestep);
  const train = trainingSigmas(alphasCumprod);
  let sigmas: number[];
  if (r.karras) {
    const table = logSigmas(train);
    sigmas = karrasFromTable(Array.from(train).reverse(), r.n, r.karrasBounds ?? {});
    timesteps = sigmas.map((s) => sigmaToTimestep(s, table));
    if (r.roundKarrasTimesteps) timesteps = timesteps.map(roundHalfEven);
  } else {
    sigmas = interpolate(timesteps, train);
  }
  const last = r.finalSigma(sigmas, train[0]!);
  return { timesteps, sigmas: Array.from(Float32Array.from([...sigmas, last])) };
}

/** Index of λ_min_clipped in the ascending λ table (torch.searchsorted, left). */
export function clippedIndex(alphasCumprod: Float32Array, lambdaMinClipped: number): number {
  let count = 0;
  for (const a of alphasCumprod) if (0.5 * Math.log(a) - 0.5 * Math.log(1 - a) < lambdaMinClipped) count++;
  return count;
}

/** Writes the predicted x0 for an output at noise level `sigma`, thresholded when configured. */
export function predictX0Into(
  out: Float32Array,
  modelOutput: Float32Array,
  sample: Float32Array,
  prediction: PredictionType,
  sigma: number,
  threshold: DynamicThreshold | null,
): AlphaSigma {
  const as = alphaSigma(sigma);
  const { cx, ce } = x0FromAlpha(prediction, as.alpha, as.sigma);
  for (let i = 0; i < out.length; i++) out[i] = cx * sample[i]! + ce * modelOutput[i]!;
  if (threshold) threshold.applyInPlace(out);
  return as;
}

interface Term {
  m: Float32Array;
  w: number;
}

/**
 * out = a·sample + c·noise, then + b_k·m_k for each term in order. Each partial sum is rounded to float32, as storing
 * it after every term did, so doing two terms per pass over the arrays changes no bit of the result.
 */
export function combineInto(
  sample: Float32Array,
  a: number,
  terms: readonly Float32Array[],
  weights: readonly number[],
  noise: Float32Array | null,
  c: number,
): Float32Array {
  // Zero weights are skipped rather than added: 0·m would turn a −0 sum into +0 and an infinite m into NaN.
  const live = terms.flatMap((m, k) => (weights[k] === 0 ? [] : [{ m, w: weights[k]! }]));
  const out = new Float32Array(sample.length);
  // Stands in for a missing term; the passes never read it.
  const none: Term = { m: sample, w: 0 };
  startCombination(out, sample, a, noise, c, live.length, live[0] ?? none, live[1] ?? none);
  for (let j = 2; j < live.length; j += 2) addTerms(out, live.length - j, live[j]!, live[j + 1] ?? none);
  return out;
}

const fround = Math.fround;

/** The first pass: the base and up to `count` (at most two) terms, which is all DPM-Solver and DEIS steps have. */
function startCombination(
  out: Float32Array,
  sample: Float32Array,
  a: number,
  noise: Float32Array | null,
  c: number,
  count: number,
  first: Term,
  second: Term,
): void {
  const { m: p, w: wp } = first;
  const { m: q, w: wq } = second;
  for (let i = 0; i < out.length; i++) {
    let v = fround(a * sample[i]! + (noise === null ? 0 : c * noise[i]!));
    if (count > 0) v = fround(v + wp * p[i]!);
    if (count > 1) v = v + wq * q[i]!;
    out[i] = v;
  }
}

/** One more pass adding the next term, or the next two when `count` > 1. */
function addTerms(out: Float32Array, count: number, first: Term, second: Term): void {
  const { m: p, w: wp } = first;
  const { m: q, w: wq } = second;
  for (let i = 0; i < out.length; i++) {
    const v = fround(out[i]! + wp * p[i]!);
    out[i] = count > 1 ? v + wq * q[i]! : v;
  }
}

/** α_t·x0 + σ_t·noise at the schedule's sigma for t: the forward process in the solvers' parameterisation. */
export function noiseAtSigma(original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  const { alpha, sigma: s } = alphaSigma(sigma);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = alpha * original[i]! + s * noise[i]!;
  return out;
}

/** The schedule bookkeeping the solvers share; each keeps its own config, grid, history and step. */
export abstract class ExponentialIntegratorScheduler implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  sigmas: number[] = [];
  protected readonly cursor: StepCursor;

  /** `label` names the sampler in errors ("DEIS"), `schedulerName` is diffusers' class name. */
  protected constructor(
    private readonly schedulerName: string,
    private readonly label: string,
  ) {
    this.cursor = new StepCursor(label, true);
  }

  abstract setTimesteps(numInferenceSteps: number): void;

  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult;

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    checkSameLength(original, noise, `${this.label} addNoise`);
    return noiseAtSigma(original, noise, this.sigmas[StepCursor.lookup(this.timesteps, t, this.schedulerName)]!);
  }
}
