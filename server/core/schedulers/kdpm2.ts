// DPM-Solver-2 in k-diffusion's form (Karras et al. 2022), after diffusers' KDPM2DiscreteScheduler.
import { computeAlphasCumprod } from './betas.js';
import { requireOneOf, resolveConfig } from './config.js';
import { checkSameLength } from './noise.js';
import { x0FromSigma } from './prediction.js';
import { buildSigmaGrid, repeatForSubsteps, scaleBySigma, SIGMA_DEFAULTS, SigmaScheduler } from './sigma-schedule.js';
import { sigmaToTimestep } from './sigmas.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import type { StepResult } from './types.js';

const NAME = 'KDPM2DiscreteScheduler';
const DEFAULTS = { ...SIGMA_DEFAULTS, beta_start: 0.00085, beta_end: 0.012 };

const f = Math.fround;

/** exp(lerp(log a, log b, ½)) in float32 as torch evaluates it at weight ½; a zero sigma gives 0 or NaN. */
export function logMidpoint(a: number, b: number): number {
  const la = f(Math.log(a));
  const lb = f(Math.log(b));
  return f(Math.exp(f(lb - f(f(lb - la) * 0.5))));
}

/** The timesteps of interpolated sigmas: float32 like the grid's, but left in double precision for Karras sigmas. */
export function timestepsOfSigmas(sigmas: readonly number[], logTable: Float32Array, karras: boolean): number[] {
  return sigmas.map((s) => {
    const t = sigmaToTimestep(s, logTable);
    return karras ? t : Math.fround(t);
  });
}

export class Kdpm2Scheduler extends SigmaScheduler {
  readonly order = 2;
  private sigmasInterpol: number[] = [];
  private readonly config;
  private readonly prediction;
  protected readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private startSample: Float32Array | null = null;

  constructor(raw: Record<string, unknown>) {
    super(NAME, 'KDPM2');
    this.config = resolveConfig(raw, DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, ['epsilon', 'v_prediction'] as const, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
  }

  setTimesteps(n: number): void {
    const grid = buildSigmaGrid(this.config, this.spacing, this.alphasCumprod, n, true);
    const sigmas = Array.from(Float32Array.from([...grid.sigmas, 0]));
    // The midpoint in log sigma between each sigma and the one before it.
    const interpol = Array.from(Float32Array.from(sigmas.map((s, i) => logMidpoint(s, sigmas[(i + sigmas.length - 1) % sigmas.length]!))));
    const interpolTimesteps = timestepsOfSigmas(interpol, grid.logTable, this.config.use_karras_sigmas);
    this.sigmas = repeatForSubsteps(sigmas);
    this.sigmasInterpol = repeatForSubsteps(interpol);
    this.timesteps = [grid.timesteps[0]!];
    for (let i = 1; i < n; i++) this.timesteps.push(interpolTimesteps[i]!, grid.timesteps[i]!);
    this.startSample = null;
    this.cursor.reset();
  }

  override scaleModelInput(sample: Float32Array, t: number): Float32Array {
    const index = this.cursor.at(this.timesteps, t);
    return scaleBySigma(sample, this.startSample === null ? this.sigmas[index]! : this.sigmasInterpol[index]!);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepResult {
    checkSameLength(modelOutput, sample, 'KDPM2 step');
    const index = this.cursor.at(this.timesteps, t);
    const firstOrder = this.startSample === null;
    const sigma = this.sigmas[firstOrder ? index : index - 1]!;
    const sigmaInterpol = this.sigmasInterpol[firstOrder ? index + 1 : index]!;
    const sigmaNext = this.sigmas[firstOrder ? index + 1 : index]!;
    const sigmaInput = firstOrder ? sigma : sigmaInterpol;
    const { cx, ce } = x0FromSigma(this.prediction, sigmaInput);
    const dt = firstOrder ? sigmaInterpol - sigma : sigmaNext - sigma;
    const base = firstOrder ? sample : this.startSample!;
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) {
      const x = sample[i]!;
      const denoised = cx * x + ce * modelOutput[i]!;
      x0[i] = denoised;
      prev[i] = base[i]! + ((x - denoised) / sigmaInput) * dt;
    }
    this.startSample = firstOrder ? sample : null;
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
