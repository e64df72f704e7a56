// DPM-Solver-2 with ancestral noise (k-diffusion's sample_dpm_2_ancestral), after diffusers' KDPM2AncestralDiscreteScheduler.
import { computeAlphasCumprod } from './betas.js';
import { requireOneOf, resolveConfig } from './config.js';
import { logMidpoint, timestepsOfSigmas } from './kdpm2.js';
import { checkSameLength, NoiseSource } from './noise.js';
import { x0FromSigma } from './prediction.js';
import { buildSigmaGrid, repeatForSubsteps, scaleBySigma, SIGMA_DEFAULTS, SigmaScheduler } from './sigma-schedule.js';
import { TIMESTEP_SPACINGS } from './spacing.js';
import type { SchedulerOptions, StepOptions, StepResult } from './types.js';

const NAME = 'KDPM2AncestralDiscreteScheduler';
const DEFAULTS = { ...SIGMA_DEFAULTS, beta_start: 0.00085, beta_end: 0.012 };

export class Kdpm2AncestralScheduler extends SigmaScheduler {
  readonly order = 2;
  private sigmasInterpol: number[] = [];
  private sigmasUp: number[] = [];
  private sigmasDown: number[] = [];
  private readonly config;
  private readonly prediction;
  protected readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private readonly noise: NoiseSource;
  private startSample: Float32Array | null = null;

  constructor(raw: Record<string, unknown>, options: SchedulerOptions) {
    super(NAME, 'KDPM2 a');
    this.config = resolveConfig(raw, DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, ['epsilon', 'v_prediction'] as const, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
    this.noise = new NoiseSource(options.random, 'KDPM2 a');
  }

  setTimesteps(n: number): void {
    const grid = buildSigmaGrid(this.config, this.spacing, this.alphasCumprod, n, true);
    const sigmas = Array.from(Float32Array.from([...grid.sigmas, 0]));
    // Float32 at every operation: σ_down² = σ_next² − σ_up² cancels badly, and diffusers' results carry that error.
    const f = Math.fround;
    const up = sigmas.map((s, i) => {
      const next2 = f((sigmas[i + 1] ?? 0) ** 2);
      const s2 = f(s * s);
      return f(Math.sqrt(f(f(next2 * f(s2 - next2)) / s2)));
    });
    const down = sigmas.map((_, i) => (i === n ? 0 : f(Math.sqrt(f(f((sigmas[i + 1] ?? 0) ** 2) - f(up[i]! * up[i]!))))));
    const interpol = sigmas.map((s, i) => (i >= n - 1 ? 0 : logMidpoint(s, down[i]!)));
    const interpolTimesteps = timestepsOfSigmas(interpol, grid.logTable, this.config.use_karras_sigmas);
    this.sigmas = repeatForSubsteps(sigmas);
    this.sigmasInterpol = repeatForSubsteps(interpol);
    this.sigmasUp = repeatForSubsteps(up);
    this.sigmasDown = repeatForSubsteps(down);
    this.timesteps = [grid.timesteps[0]!];
    for (let i = 0; i < n - 1; i++) this.timesteps.push(interpolTimesteps[i]!, grid.timesteps[i + 1]!);
    this.startSample = null;
    this.cursor.reset();
  }

  override scaleModelInput(sample: Float32Array, t: number): Float32Array {
    const index = this.cursor.at(this.timesteps, t);
    return scaleBySigma(sample, this.startSample === null ? this.sigmas[index]! : this.sigmasInterpol[index - 1]!);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult {
    checkSameLength(modelOutput, sample, 'KDPM2 a step');
    const index = this.cursor.at(this.timesteps, t);
    const firstOrder = this.startSample === null;
    const at = firstOrder ? index : index - 1;
    const sigma = this.sigmas[at]!;
    const sigmaInterpol = this.sigmasInterpol[at]!;
    const sigmaInput = firstOrder ? sigma : sigmaInterpol;
    const { cx, ce } = x0FromSigma(this.prediction, sigmaInput);
    const dt = firstOrder ? sigmaInterpol - sigma : this.sigmasDown[index - 1]! - sigma;
    const sigmaUp = this.sigmasUp[index - 1] ?? 0;
    const base = firstOrder ? sample : this.startSample!;
    const noise = firstOrder ? null : this.noise.draw(sample.length, opts?.noise);
    const prev = new Float32Array(sample.length);
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) {
      const x = sample[i]!;
      const denoised = cx * x + ce * modelOutput[i]!;
      x0[i] = denoised;
      prev[i] = base[i]! + ((x - denoised) / sigmaInput) * dt + (noise ? noise[i]! * sigmaUp : 0);
    }
    this.startSample = firstOrder ? sample : null;
    this.cursor.advance();
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
