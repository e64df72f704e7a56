// Looks up ᾱ at an integer training timestep, the index of the alpha-parameterised samplers (DDIM, DDPM, PNDM, LCM, TCD).
import { EaselError } from '../errors.js';

export function requireTrainingTimestep(t: number, numTrainTimesteps: number, samplerName: string): number {
  if (!Number.isInteger(t) || t < 0 || t >= numTrainTimesteps) {
    throw new EaselError(
      'INVALID_INPUT',
      `${samplerName} needs an integer timestep from 0 to ${numTrainTimesteps - 1}, got ${t}`,
    );
  }
  return t;
}

/** ᾱ at t, or the "final" value (1 or ᾱ₀ per set_alpha_to_one) before the first training step. */
export function alphaProdAt(alphasCumprod: Float32Array, t: number, finalAlphaCumprod: number): number {
  return t >= 0 ? alphasCumprod[t]! : finalAlphaCumprod;
}
