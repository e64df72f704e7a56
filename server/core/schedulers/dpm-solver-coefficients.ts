// DPM-Solver / DPM-Solver++ update rules (Lu et al. 2022) as coefficients on the sample, the stored outputs and noise.
import type { AlphaSigma } from './multistep-common.js';

export const ALGORITHM_TYPES = ['dpmsolver++', 'sde-dpmsolver++', 'dpmsolver', 'sde-dpmsolver'] as const;
export type AlgorithmType = (typeof ALGORITHM_TYPES)[number];
type SolverType = 'midpoint' | 'heun';

/** x_t = a·x + Σ b_k·m_k + c·ε, m_0 being the newest converted output. */
export interface Update {
  a: number;
  b: number[];
  c: number;
}

/** The first-order (DDIM-like) coefficients: a, the weight of D0, of D1 (midpoint/heun), of D2, and the noise's. */
interface Basis {
  a: number;
  d0: number;
  d1Midpoint: number;
  d1Heun: number;
  d2: number;
  c: number;
}

/** Coefficients shared by every order, from the target t and the step's base point s. */
function basis(algorithm: AlgorithmType, t: AlphaSigma, s: AlphaSigma, h: number): Basis {
  const em = Math.expm1(-h);
  const ep = Math.expm1(h);
  const e2 = -Math.expm1(-2 * h);
  switch (algorithm) {
    case 'dpmsolver++':
      return { a: t.sigma / s.sigma, d0: -t.alpha * em, d1Midpoint: -0.5 * t.alpha * em, d1Heun: t.alpha * (em / h + 1), d2: -t.alpha * ((em + h) / h ** 2 - 0.5), c: 0 };
    case 'dpmsolver':
      return { a: t.alpha / s.alpha, d0: -t.sigma * ep, d1Midpoint: -0.5 * t.sigma * ep, d1Heun: -t.sigma * (ep / h - 1), d2: -t.sigma * ((ep - h) / h ** 2 - 0.5), c: 0 };
    case 'sde-dpmsolver++':
      return {
        a: (t.sigma / s.sigma) * Math.exp(-h),
        d0: t.alpha * e2,
        d1Midpoint: 0.5 * t.alpha * e2,
        d1Heun: t.alpha * (e2 / (-2 * h) + 1),
        d2: t.alpha * ((e2 - 2 * h) / (2 * h) ** 2 - 0.5),
        c: t.sigma * Math.sqrt(e2),
      };
    case 'sde-dpmsolver':
      return { a: t.alpha / s.alpha, d0: -2 * t.sigma * ep, d1Midpoint: -t.sigma * ep, d1Heun: -2 * t.sigma * (ep / h - 1), d2: NaN, c: t.sigma * Math.sqrt(Math.expm1(2 * h)) };
  }
}

export function firstOrder(algorithm: AlgorithmType, t: AlphaSigma, s: AlphaSigma): Update {
  const k = basis(algorithm, t, s, t.lambda - s.lambda);
  return { a: k.a, b: [k.d0], c: k.c };
}

/** Multistep second order: D0 = m0, D1 = (m0 − m1)/r0. */
export function multistepSecond(algorithm: AlgorithmType, solver: SolverType, t: AlphaSigma, s0: AlphaSigma, s1: AlphaSigma): Update {
  const h = t.lambda - s0.lambda;
  const r0 = (s0.lambda - s1.lambda) / h;
  const k = basis(algorithm, t, s0, h);
  const d1 = solver === 'midpoint' ? k.d1Midpoint : k.d1Heun;
  return { a: k.a, b: [k.d0 + d1 / r0, -d1 / r0], c: k.c };
}

/** Multistep third order: D1 and D2 from two divided differences of the last three outputs. */
export function multistepThird(algorithm: AlgorithmType, t: AlphaSigma, s0: AlphaSigma, s1: AlphaSigma, s2: AlphaSigma): Update {
  const h = t.lambda - s0.lambda;
  const r0 = (s0.lambda - s1.lambda) / h;
  const r1 = (s1.lambda - s2.lambda) / h;
  const k = basis(algorithm, t, s0, h);
  const d10 = [1 / r0, -1 / r0, 0];
  const d11 = [0, 1 / r1, -1 / r1];
  const diff = d10.map((v, i) => v - d11[i]!);
  const d1 = d10.map((v, i) => v + (r0 / (r0 + r1)) * diff[i]!);
  const d2 = diff.map((v) => v / (r0 + r1));
  const b = [k.d0, 0, 0].map((v, i) => v + k.d1Heun * d1[i]! + k.d2 * d2[i]!);
  return { a: k.a, b, c: k.c };
}

/** Singlestep second order from base point s1: D0 = m1, D1 = (m0 − m1)/r0. */
export function singlestepSecond(algorithm: AlgorithmType, solver: SolverType, t: AlphaSigma, s0: AlphaSigma, s1: AlphaSigma): Update {
  const h = t.lambda - s1.lambda;
  const r0 = (s0.lambda - s1.lambda) / h;
  const k = basis(algorithm, t, s1, h);
  const d1 = solver === 'midpoint' ? k.d1Midpoint : k.d1Heun;
  return { a: k.a, b: [d1 / r0, k.d0 - d1 / r0], c: k.c };
}

/** Singlestep third order from base point s2 over outputs [m0, m1, m2]. */
export function singlestepThird(
  algorithm: AlgorithmType,
  solver: SolverType,
  t: AlphaSigma,
  s0: AlphaSigma,
  s1: AlphaSigma,
  s2: AlphaSigma,
): Update {
  const h = t.lambda - s2.lambda;
  const r0 = (s0.lambda - s2.lambda) / h;
  const r1 = (s1.lambda - s2.lambda) / h;
  const k = basis(algorithm, t, s2, h);
  const d10 = [0, 1 / r1, -1 / r1];
  const d11 = [1 / r0, 0, -1 / r0];
  const b = [0, 0, k.d0];
  if (solver === 'midpoint') {
    for (let i = 0; i < 3; i++) b[i] = b[i]! + k.d1Heun * d11[i]!;
  } else {
    for (let i = 0; i < 3; i++) {
      const d1 = (r0 * d10[i]! - r1 * d11[i]!) / (r0 - r1);
      const d2 = (2 * (d11[i]! - d10[i]!)) / (r0 - r1);
      b[i] = b[i]! + k.d1Heun * d1 + k.d2 * d2;
    }
  }
  return { a: k.a, b, c: k.c };
}
