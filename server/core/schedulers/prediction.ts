// What a model predicts, turned into x0 = cx·sample + ce·output coefficients, so steps stay one fused loop.
import type { PredictionType } from './config.js';

export interface Coefficients {
  cx: number;
  ce: number;
}

/** Sigma parameterisation (x = x0 + σ·ε), as the k-diffusion samplers use it. */
export function x0FromSigma(type: PredictionType, sigma: number): Coefficients {
  if (type === 'epsilon') return { cx: 1, ce: -sigma };
  if (type === 'sample') return { cx: 0, ce: 1 };
  const denom = sigma * sigma + 1;
  return { cx: 1 / denom, ce: -sigma / Math.sqrt(denom) };
}

/** Alpha parameterisation (x = α·x0 + σ·ε). */
export function x0FromAlpha(type: PredictionType, alpha: number, sigma: number): Coefficients {
  if (type === 'epsilon') return { cx: 1 / alpha, ce: -sigma / alpha };
  if (type === 'sample') return { cx: 0, ce: 1 };
  return { cx: alpha, ce: -sigma };
}
