// diffusers' scheduler-test fixtures: the deterministic sample, noise and model of tests/schedulers/test_schedulers.py.
import type { Scheduler, StepOptions } from '../../../server/core/schedulers/types.js';

const BATCH = 4;
const CHANNELS = 3;
const SIDE = 8;
export const NUM_ELEMS = BATCH * CHANNELS * SIDE * SIDE;

/** arange reshaped (C, H, W, B) then permuted to (B, C, H, W); stored contiguous in (B, C, H, W) order. */
function permutedArange(valueOf: (k: number) => number): Float32Array {
  const out = new Float32Array(NUM_ELEMS);
  let i = 0;
  for (let b = 0; b < BATCH; b++)
    for (let c = 0; c < CHANNELS; c++)
      for (let h = 0; h < SIDE; h++)
        for (let w = 0; w < SIDE; w++) out[i++] = valueOf(((c * SIDE + h) * SIDE + w) * BATCH + b);
  return out;
}

export const dummySampleDeter = (): Float32Array => permutedArange((k) => k / NUM_ELEMS);
export const dummyNoiseDeter = (): Float32Array => permutedArange((k) => (NUM_ELEMS - 1 - k) / NUM_ELEMS);

/** model(sample, t) = sample * t / (t + 1), in float32. */
export function dummyModel(sample: Float32Array, t: number): Float32Array {
  const f = Math.fround;
  const tf = f(t);
  const denominator = f(tf + 1);
  return sample.map((x) => f(x * tf) / denominator);
}

export function scaled(sample: Float32Array, factor: number): Float32Array {
  return sample.map((x) => x * factor);
}

/** diffusers' loop: the scaled input replaces the sample before the model and the step see it. */
export function fullLoop(
  scheduler: Scheduler,
  start: Float32Array,
  timesteps: readonly number[] = scheduler.timesteps,
  noiseFor?: (stepIndex: number) => StepOptions,
): Float32Array {
  let sample = start;
  timesteps.forEach((t, i) => {
    sample = scheduler.scaleModelInput(sample, t);
    sample = scheduler.step(dummyModel(sample, t), t, sample, noiseFor?.(i)).prevSample;
  });
  return sample;
}

export function absSum(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += Math.abs(v);
  return s;
}

export const absMean = (x: Float32Array): number => absSum(x) / x.length;
