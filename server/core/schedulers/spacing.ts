// Inference timestep grids (linspace, leading, trailing) reproducing numpy's arithmetic and round-half-to-even.
import { EaselError } from '../errors.js';

export const TIMESTEP_SPACINGS = ['linspace', 'leading', 'trailing'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

/** numpy.round / rint: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** numpy.linspace with endpoint, in double. */
function numpyLinspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** numpy.arange for floats: length ceil((stop-start)/step), values start + i*(second - first). */
function numpyArange(start: number, stop: number, step: number): number[] {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start;
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = start + i * delta;
  return out;
}

function checkSteps(n: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(n) || n < 1 || n > numTrainTimesteps) {
    throw new EaselError(
      'INVALID_INPUT',
      `number of inference steps must be an integer from 1 to ${numTrainTimesteps} (the model's num_train_timesteps), got ${n}`,
    );
  }
}

/** Integer grids of DDIM, DDPM and PNDM, descending. */
export function integerTimesteps(spacing: TimestepSpacing, train: number, n: number, stepsOffset: number): number[] {
  checkSteps(n, train);
  switch (spacing) {
    case 'linspace':
      return numpyLinspace(0, train - 1, n).map(roundHalfEven).reverse();
    case 'leading': {
      const ratio = Math.floor(train / n);
      return Array.from({ length: n }, (_, i) => (n - 1 - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return numpyArange(train, 0, -train / n).map((t) => roundHalfEven(t) - 1);
  }
}

/** Float32 grids of the sigma (k-diffusion) samplers, descending; linspace is left unrounded. */
export function sigmaTimesteps(spacing: TimestepSpacing, train: number, n: number, stepsOffset: number): number[] {
  if (spacing === 'linspace') {
    checkSteps(n, train);
    return numpyLinspace(0, train - 1, n).map(Math.fround).reverse();
  }
  return integerTimesteps(spacing, train, n, stepsOffset);
}

/** Grids of the multistep solvers (DPM-Solver, DEIS, UniPC): n+1 points with the final one dropped. */
export function multistepTimesteps(
  spacing: TimestepSpacing,
  train: number,
  n: number,
  stepsOffset: number,
  lastTimestep = train,
): number[] {
  checkSteps(n, train);
  switch (spacing) {
    case 'linspace':
      return numpyLinspace(0, lastTimestep - 1, n + 1).map(roundHalfEven).reverse().slice(0, n);
    case 'leading': {
      const ratio = Math.floor(lastTimestep / (n + 1));
      return Array.from({ length: n }, (_, i) => (n - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return numpyArange(lastTimestep, 0, -train / n).map((t) => roundHalfEven(t) - 1);
  }
}
