// Training noise schedules (betas and cumulative alphas) with torch's float32 arithmetic, as diffusers builds them.
import { EaselError } from '../errors.js';

export const BETA_DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: [] as readonly number[],
} as const;

interface BetaConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: string;
  trained_betas: readonly number[];
}

const f = Math.fround;

/** torch.linspace for float32 on the CPU: float32 step, filled from both ends towards the middle. */
function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < halfway ? f(s + f(step * i)) : f(e - f(step * (steps - i - 1)));
  return out;
}

/** The cosine schedule ("squaredcos_cap_v2") computed in double, then stored as float32. */
function cosineBetas(steps: number, maxBeta = 0.999): Float32Array {
  const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const out = new Float32Array(steps);
  for (let i = 0; i < steps; i++) out[i] = Math.min(1 - alphaBar((i + 1) / steps) / alphaBar(i / steps), maxBeta);
  return out;
}

function computeBetas(config: BetaConfig, schedulerName: string): Float32Array {
  const n = config.num_train_timesteps;
  if (config.trained_betas.length > 0) return Float32Array.from(config.trained_betas);
  switch (config.beta_schedule) {
    case 'linear':
      return torchLinspaceF32(config.beta_start, config.beta_end, n);
    case 'scaled_linear':
      return torchLinspaceF32(Math.sqrt(config.beta_start), Math.sqrt(config.beta_end), n).map((b) => b * b);
    case 'squaredcos_cap_v2':
      return cosineBetas(n);
    default:
      throw new EaselError(
        'INVALID_MODEL',
        `scheduler_config.json beta_schedule "${config.beta_schedule}" is not supported by ${schedulerName}; use linear, scaled_linear or squaredcos_cap_v2`,
      );
  }
}

/** torch.cumprod on the CPU accumulates float32 inputs in double and rounds each output. */
function cumprodOfOneMinus(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= f(1 - betas[i]!);
    out[i] = acc;
  }
  return out;
}

/** Rescales betas to zero terminal SNR (Lin et al. 2023, algorithm 1), in float32 like diffusers. */
function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const sqrtBar = cumprodOfOneMinus(betas).map(Math.sqrt);
  const first = sqrtBar[0]!;
  const last = sqrtBar[sqrtBar.length - 1]!;
  const scale = f(first / f(first - last));
  const bar = sqrtBar.map((v) => {
    const shifted = f(f(v - last) * scale);
    return shifted * shifted;
  });
  const out = new Float32Array(betas.length);
  out[0] = 1 - bar[0]!;
  for (let i = 1; i < bar.length; i++) out[i] = 1 - f(bar[i]! / bar[i - 1]!);
  return out;
}

/**
 * alphas_cumprod for a scheduler. Schedulers whose diffusers source pins the last value to 2^-24 after a
 * zero-SNR rescale (to keep sigmas finite) pass pinTerminal.
 */
export function computeAlphasCumprod(
  config: BetaConfig & { rescale_betas_zero_snr?: boolean },
  schedulerName: string,
  pinTerminal = false,
): Float32Array {
  let betas = computeBetas(config, schedulerName);
  if (config.rescale_betas_zero_snr) betas = rescaleZeroTerminalSnr(betas);
  const alphasCumprod = cumprodOfOneMinus(betas);
  if (config.rescale_betas_zero_snr && pinTerminal) alphasCumprod[alphasCumprod.length - 1] = 2 ** -24;
  return alphasCumprod;
}
