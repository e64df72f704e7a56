// The contract every sampler implements, and what a caller may pass to create and step one.
import type { GaussianRandom } from './random.js';

export interface StepOptions {
  /** Standard-normal noise for a stochastic step; drawn from the scheduler's generator when absent. */
  noise?: Float32Array;
}

export interface StepResult {
  prevSample: Float32Array;
  predOriginalSample?: Float32Array;
}

export interface SchedulerOptions {
  /** Source of noise for stochastic samplers when a step is given none. */
  random?: GaussianRandom;
  /** DDIM's eta (default 0) and TCD's gamma (default 0.3), as diffusers takes them at step time. */
  eta?: number;
  /** Images in one sample array; dynamic thresholding takes its quantile per image (default 1). */
  batchSize?: number;
}

/**
 * A diffusers-style scheduler. Inputs are never written to; prevSample and a scaled input are new arrays the
 * caller owns, because multistep and second-order samplers keep earlier samples by reference.
 */
export interface Scheduler {
  readonly order: number;
  readonly initNoiseSigma: number;
  readonly timesteps: number[];
  readonly sigmas?: number[];
  setTimesteps(numInferenceSteps: number): void;
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts?: StepOptions): StepResult;
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;
}
