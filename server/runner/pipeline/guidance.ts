// Classifier-free guidance: the batch-of-two noise prediction folded into one, in the output's own memory.

/**
 * `prediction` holds [unconditional; conditional], `length` values each. Writes uncond + scale·(cond − uncond)
 * over the unconditional half and returns that half as a view: no allocation per step.
 */
export function combineGuidance(prediction: Float32Array, length: number, scale: number): Float32Array {
  for (let i = 0; i < length; i++) {
    const unconditional = prediction[i]!;
    prediction[i] = unconditional + scale * (prediction[length + i]! - unconditional);
  }
  return prediction.subarray(0, length);
}

/** diffusers guides only above 1; at or below it the prompt alone conditions a batch of one. */
export function usesGuidance(scale: number): boolean {
  return scale > 1;
}
