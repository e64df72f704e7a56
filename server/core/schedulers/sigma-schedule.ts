// Shared machinery of the sigma-parameterised samplers (Euler, Euler a, Heun, LMS, KDPM2, KDPM2 a).
import { EaselError } from '../errors.js';
import { BETA_DEFAULTS } from './betas.js';
import { checkSameLength } from './noise.js';
import type { TimestepSpacing } from './spacing.js';
import { roundHalfEven, sigmaTimesteps } from './spacing.js';
import { indexForTimestep, interpolate, karrasFromTable, logSigmas, sigmaToTimestep, trainingSigmas } from './sigmas.js';
import type { Scheduler, StepOptions, StepResult } from './types.js';

export const SIGMA_DEFAULTS = {
  ...BETA_DEFAULTS,
  prediction_type: 'epsilon',
  timestep_spacing: 'linspace',
  steps_offset: 0,
  use_karras_sigmas: false,
};

interface SigmaGridConfig {
  num_train_timesteps: number;
  steps_offset: number;
  use_karras_sigmas: boolean;
  /** Only Euler's config has these; elsewhere Karras spans the training sigmas. */
  sigma_min?: number | null;
  sigma_max?: number | null;
}

interface SigmaGrid {
  timesteps: number[];
  /** One per timestep, without the final sigma; double precision until the family stores them. */
  sigmas: number[];
  logTable: Float32Array;
}

/** Timesteps and sigmas before the final sigma is appended: interpolated, or Karras-spaced and mapped back to t. */
export function buildSigmaGrid(
  config: SigmaGridConfig,
  spacing: TimestepSpacing,
  alphasCumprod: Float32Array,
  n: number,
  roundKarrasTimesteps: boolean,
): SigmaGrid {
  let timesteps = sigmaTimesteps(spacing, config.num_train_timesteps, n, config.steps_offset);
  const train = trainingSigmas(alphasCumprod);
  const logTable = logSigmas(train);
  let sigmas = interpolate(timesteps, train);
  if (config.use_karras_sigmas) {
    sigmas = karrasFromTable(sigmas, n, config);
    timesteps = sigmas.map((s) => sigmaToTimestep(s, logTable));
    if (roundKarrasTimesteps) timesteps = timesteps.map(roundHalfEven);
  }
  return { timesteps: timesteps.map(Math.fround), sigmas, logTable };
}

/** The largest sigma, or the variance-preserving equivalent for "leading" grids, as diffusers defines it. */
export function initNoiseSigmaOf(sigmas: readonly number[], spacing: TimestepSpacing): number {
  const max = Math.max(...sigmas);
  return spacing === 'leading' ? Math.fround(Math.sqrt(Math.fround(max * max) + 1)) : max;
}

/** sample / √(σ²+1): the input scaling every sigma sampler applies before the model. */
export function scaleBySigma(sample: Float32Array, sigma: number): Float32Array {
  const f = Math.fround;
  const divisor = f(Math.sqrt(f(f(sigma * sigma) + 1)));
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = sample[i]! / divisor;
  return out;
}

export function noiseWithSigma(original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = original[i]! + noise[i]! * sigma;
  return out;
}

/**
 * Where a sampler is in its schedule. Like diffusers it locates the first timestep it is given and then
 * advances one per step, so repeated timesteps (second-order samplers) resolve correctly.
 */
export class StepCursor {
  private index: number | null = null;

  constructor(
    private readonly samplerName: string,
    private readonly fallbackToLast = false,
  ) {}

  reset(): void {
    this.index = null;
  }

  at(timesteps: readonly number[], t: number): number {
    if (this.index === null) {
      if (timesteps.length === 0) {
        throw new EaselError('INVALID_INPUT', `${this.samplerName}: call setTimesteps() before stepping`);
      }
      const found = indexForTimestep(timesteps, t);
      if (found < 0 && !this.fallbackToLast) {
        throw new EaselError('INVALID_INPUT', `${this.samplerName}: timestep ${t} is not in the current schedule`);
      }
      this.index = found < 0 ? timesteps.length - 1 : found;
    }
    return this.index;
  }

  advance(): void {
    if (this.index !== null) this.index += 1;
  }

  /** Index of t for addNoise, which diffusers resolves without moving the cursor. */
  static lookup(timesteps: readonly number[], t: number, samplerName: string): number {
    const found = indexForTimestep(timesteps, t);
    if (found < 0) throw new EaselError('INVALID_INPUT', `${samplerName}: timestep ${t} is not in the current schedule`);
    return found;
  }
}

/** [x0, x1, x1, …, xn, xn, xn]: how the second-order samplers lay one value per sub-step. */
export function repeatForSubsteps(values: readonly number[]): number[] {
  return [values[0]!, ...values.slice(1).flatMap((v) => [v, v]), values[values.length - 1]!];
}

/** What the sigma samplers do alike around their steps: the σ schedule's noise scale, input scaling and addNoise. */
export abstract class SigmaScheduler implements Scheduler {
  abstract readonly order: number;
  timesteps: number[] = [];
  sigmas: number[] = [];
  protected abstract readonly spacing: TimestepSpacing;
  protected readonly cursor: StepCursor;

  /** `label` names the sampler in errors, `cursorLabel` where it differs for schedule errors (Euler's). */
  protected constructor(
    private readonly schedulerName: string,
    protected readonly label: string,
    cursorLabel = label,
  ) {
    this.cursor = new StepCursor(cursorLabel);
  }

  get initNoiseSigma(): number {
    return initNoiseSigmaOf(this.sigmas, this.spacing);
  }

  abstract setTimesteps(numInferenceSteps: number): void;

  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult;

  /** KDPM2 and KDPM2 a override this: their second evaluation scales by the interpolated sigma. */
  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.cursor.at(this.timesteps, t)]!);
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    checkSameLength(original, noise, `${this.label} addNoise`);
    return noiseWithSigma(original, noise, this.sigmas[StepCursor.lookup(this.timesteps, t, this.schedulerName)]!);
  }
}
