// Pseudo numerical methods (Liu et al. 2022): Runge–Kutta warm-up then linear multistep, after diffusers' PNDMScheduler.
import { alphaProdAt, requireTrainingTimestep } from './alpha-timestep.js';
import { BETA_DEFAULTS, computeAlphasCumprod } from './betas.js';
import { requireOneOf, resolveConfig } from './config.js';
import { checkSameLength, noiseWithAlpha } from './noise.js';
import { integerTimesteps, TIMESTEP_SPACINGS } from './spacing.js';
import type { Scheduler, StepResult } from './types.js';

const NAME = 'PNDMScheduler';
/** Grid points the Runge–Kutta warm-up needs (diffusers' pndm_order). */
const PNDM_ORDER = 4;
const DEFAULTS = {
  ...BETA_DEFAULTS,
  skip_prk_steps: false,
  set_alpha_to_one: false,
  prediction_type: 'epsilon',
  timestep_spacing: 'leading',
  steps_offset: 0,
};

export class PndmScheduler implements Scheduler {
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private prkCount = 0;
  private readonly config;
  private readonly prediction;
  private readonly spacing;
  private readonly alphasCumprod: Float32Array;
  private readonly finalAlphaCumprod: number;
  private numInferenceSteps = 0;
  private counter = 0;
  /** Model outputs of earlier steps, newest last, at most four. */
  private ets: Float32Array[] = [];
  private curModelOutput: Float32Array | null = null;
  private curSample: Float32Array | null = null;

  constructor(raw: Record<string, unknown>) {
    this.config = resolveConfig(raw, DEFAULTS, NAME);
    this.prediction = requireOneOf(this.config.prediction_type, ['epsilon', 'v_prediction'] as const, 'prediction_type', NAME);
    this.spacing = requireOneOf(this.config.timestep_spacing, TIMESTEP_SPACINGS, 'timestep_spacing', NAME);
    this.alphasCumprod = computeAlphasCumprod(this.config, NAME);
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0]!;
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const ascending = integerTimesteps(this.spacing, c.num_train_timesteps, n, c.steps_offset).reverse();
    this.numInferenceSteps = n;
    // diffusers' Runge–Kutta warm-up spans the last four grid points; below four steps its numpy arrays don't even
    // broadcast (it raises), so short schedules take the PLMS grid instead.
    if (c.skip_prk_steps || n < PNDM_ORDER) {
      const plms = [...ascending.slice(0, -1), ...ascending.slice(-2, -1), ...ascending.slice(-1)].reverse();
      this.prkCount = 0;
      this.timesteps = plms;
    } else {
      const half = Math.floor(Math.floor(c.num_train_timesteps / n) / 2);
      const lastFour = ascending.slice(-4).flatMap((t) => [t, t + half]);
      const prk = lastFour.slice(0, -1).flatMap((t) => [t, t]).slice(1, -1).reverse();
      this.prkCount = prk.length;
      this.timesteps = [...prk, ...ascending.slice(0, -3).reverse()];
    }
    this.counter = 0;
    this.ets = [];
    this.curModelOutput = null;
    this.curSample = null;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): StepResult {
    checkSameLength(modelOutput, sample, 'PNDM step');
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'PNDM');
    const prevSample = this.counter < this.prkCount ? this.stepPrk(modelOutput, t, sample) : this.stepPlms(modelOutput, t, sample);
    this.counter += 1;
    return { prevSample };
  }

  /** Fourth-order Runge–Kutta over pairs of half steps, accumulating 1/6, 1/3, 1/3, 1/6 of the model outputs. */
  private stepPrk(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    const half = Math.floor(Math.floor(this.config.num_train_timesteps / this.numInferenceSteps) / 2);
    const prevT = t - (this.counter % 2 ? 0 : half);
    const fromT = this.timesteps[Math.floor(this.counter / 4) * 4]!;
    const phase = this.counter % 4;
    const weight = phase === 0 || phase === 3 ? 1 / 6 : 1 / 3;
    if (this.curModelOutput === null || this.curModelOutput.length !== modelOutput.length) {
      this.curModelOutput = new Float32Array(modelOutput.length);
    }
    const acc = this.curModelOutput;
    if (phase === 0) {
      this.ets.push(modelOutput);
      this.curSample = sample;
    }
    let direction = modelOutput;
    if (phase === 3) {
      direction = new Float32Array(modelOutput.length);
      for (let i = 0; i < acc.length; i++) direction[i] = acc[i]! + weight * modelOutput[i]!;
      acc.fill(0);
    } else {
      for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + weight * modelOutput[i]!;
    }
    return this.prevSample(this.curSample ?? sample, fromT, prevT, direction);
  }

  /** Adams–Bashforth over up to four stored outputs; the first PLMS-only step is a two-evaluation warm-up. */
  private stepPlms(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    const stride = Math.floor(this.config.num_train_timesteps / this.numInferenceSteps);
    let fromT = t;
    let prevT = t - stride;
    if (this.counter !== 1) {
      this.ets = this.ets.slice(-3);
      this.ets.push(modelOutput);
    } else {
      prevT = t;
      fromT = t + stride;
    }
    const e = this.ets;
    const n = e.length;
    let direction: Float32Array;
    let from = sample;
    if (n === 1 && this.counter === 0) {
      direction = modelOutput;
      this.curSample = sample;
    } else if (n === 1 && this.counter === 1) {
      direction = combine([modelOutput, e[0]!], [0.5, 0.5]);
      from = this.curSample!;
      this.curSample = null;
    } else if (n === 2) {
      direction = combine([e[1]!, e[0]!], [3 / 2, -1 / 2]);
    } else if (n === 3) {
      direction = combine([e[2]!, e[1]!, e[0]!], [23 / 12, -16 / 12, 5 / 12]);
    } else {
      direction = combine([e[n - 1]!, e[n - 2]!, e[n - 3]!, e[n - 4]!], [55 / 24, -59 / 24, 37 / 24, -9 / 24]);
    }
    return this.prevSample(from, fromT, prevT, direction);
  }

  /** Equation (9) of the PNDM paper: the transfer from t to prevT along a predicted ε. */
  private prevSample(sample: Float32Array, t: number, prevT: number, modelOutput: Float32Array): Float32Array {
    const alphaProd = this.alphasCumprod[t]!;
    const alphaPrev = alphaProdAt(this.alphasCumprod, prevT, this.finalAlphaCumprod);
    const betaProd = 1 - alphaProd;
    const betaPrev = 1 - alphaPrev;
    const sampleCoeff = Math.sqrt(alphaPrev / alphaProd);
    const denom = alphaProd * Math.sqrt(betaPrev) + Math.sqrt(alphaProd * betaProd * alphaPrev);
    const outputCoeff = (alphaPrev - alphaProd) / denom;
    const v = this.prediction === 'v_prediction';
    const sqrtAlpha = Math.sqrt(alphaProd);
    const sqrtBeta = Math.sqrt(betaProd);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      const x = sample[i]!;
      const eps = v ? sqrtAlpha * modelOutput[i]! + sqrtBeta * x : modelOutput[i]!;
      out[i] = sampleCoeff * x - outputCoeff * eps;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireTrainingTimestep(t, this.config.num_train_timesteps, 'PNDM');
    return noiseWithAlpha(original, noise, this.alphasCumprod[t]!);
  }
}

function combine(arrays: Float32Array[], weights: number[]): Float32Array {
  const out = new Float32Array(arrays[0]!.length);
  for (let k = 0; k < arrays.length; k++) {
    const a = arrays[k]!;
    const w = weights[k]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * a[i]!;
  }
  return out;
}
