// Converts a model output into what DPM-Solver integrates: x0 for the ++ variants, ε for the original ones.
import type { PredictionType } from './config.js';
import type { AlgorithmType } from './dpm-solver-coefficients.js';
import { predictX0Into } from './multistep-common.js';
import type { DynamicThreshold } from './threshold.js';

export function convertOutputInto(
  out: Float32Array,
  modelOutput: Float32Array,
  sample: Float32Array,
  algorithm: AlgorithmType,
  prediction: PredictionType,
  sigma: number,
  threshold: DynamicThreshold | null,
): void {
  const as = predictX0Into(out, modelOutput, sample, prediction, sigma, threshold);
  if (algorithm === 'dpmsolver++' || algorithm === 'sde-dpmsolver++') return;
  if (prediction === 'epsilon' && !threshold) {
    out.set(modelOutput);
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = (sample[i]! - as.alpha * out[i]!) / as.sigma;
}
