// Sigma tables shared by the sigma-parameterised samplers: training sigmas, interpolation, Karras spacing, sigma→t.
const f = Math.fround;

/** ((1 - ᾱ) / ᾱ)^½ per training timestep, ascending in t, in float32 like torch. */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  const out = new Float32Array(alphasCumprod.length);
  for (let i = 0; i < out.length; i++) {
    const a = alphasCumprod[i]!;
    out[i] = Math.sqrt(f(f(1 - a) / a));
  }
  return out;
}

/** numpy.log of a float32 table: float32 results. */
export function logSigmas(sigmas: Float32Array): Float32Array {
  return sigmas.map(Math.log);
}

/** numpy.interp(x, arange(len(fp)), fp) in double, clamped at both ends. */
export function interpolate(x: readonly number[], fp: Float32Array): number[] {
  const last = fp.length - 1;
  return x.map((v) => {
    if (v <= 0) return fp[0]!;
    if (v >= last) return fp[last]!;
    const j = Math.floor(v);
    const slope = fp[j + 1]! - fp[j]!;
    return slope * (v - j) + fp[j]!;
  });
}

/** Karras et al. (2022) noise levels: uniform in sigma^(1/7) from sigmaMax down to sigmaMin. */
function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7;
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return Array.from({ length: n }, (_, i) => {
    const ramp = n === 1 ? 0 : i === n - 1 ? 1 : i * (1 / (n - 1));
    return (maxInvRho + ramp * (minInvRho - maxInvRho)) ** rho;
  });
}

/** The (fractional) training timestep whose sigma is `sigma`, by linear interpolation in log sigma. */
export function sigmaToTimestep(sigma: number, logTable: Float32Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let count = 0;
  for (let i = 0; i < logTable.length; i++) if (logSigma >= logTable[i]!) count++;
  const low = Math.min(Math.max(count - 1, 0), logTable.length - 2);
  const lowLog = logTable[low]!;
  const highLog = logTable[low + 1]!;
  const w = Math.min(Math.max((lowLog - logSigma) / f(lowLog - highLog), 0), 1);
  return (1 - w) * low + w * (low + 1);
}

/** Karras spacing bounded by the config's sigma_min/sigma_max when given, else by the table's ends. */
export function karrasFromTable(
  inSigmas: readonly number[],
  n: number,
  bounds: { sigma_min?: number | null; sigma_max?: number | null },
): number[] {
  const sigmaMin = bounds.sigma_min ?? inSigmas[inSigmas.length - 1]!;
  const sigmaMax = bounds.sigma_max ?? inSigmas[0]!;
  return karrasSigmas(sigmaMin, sigmaMax, n);
}

/** Position of t in a schedule: the second match when t repeats (diffusers' rule for image-to-image starts). */
export function indexForTimestep(timesteps: readonly number[], t: number): number {
  const first = timesteps.indexOf(t);
  if (first < 0) return -1;
  const second = timesteps.indexOf(t, first + 1);
  return second < 0 ? first : second;
}
