// Creates any of Easel's 18 samplers by name from a model's scheduler_config.json, with diffusers' numerics.
//
// DPM_SOLVER_SDE maps to DPMSolverMultistepScheduler with algorithm_type "sde-dpmsolver++" (diffusers' "DPM++ 2M
// SDE", which is what the original app used), not to DPMSolverSDEScheduler: that one samples a Brownian tree
// (torchsde) whose noise no seeded standard-normal stream can reproduce.
import { EaselError } from '../errors.js';
import type { SamplerName } from './catalog.js';
import { isSamplerName, SAMPLERS } from './catalog.js';
import { DdimScheduler } from './ddim.js';
import { DdpmScheduler } from './ddpm.js';
import { DeisScheduler } from './deis.js';
import { DpmSolverMultistepScheduler } from './dpm-solver-multistep.js';
import { DpmSolverSinglestepScheduler } from './dpm-solver-singlestep.js';
import { EulerScheduler } from './euler.js';
import { HeunScheduler } from './heun.js';
import { Kdpm2AncestralScheduler } from './kdpm2-ancestral.js';
import { Kdpm2Scheduler } from './kdpm2.js';
import { LcmScheduler } from './lcm.js';
import { LmsScheduler } from './lms.js';
import { PndmScheduler } from './pndm.js';
import { TcdScheduler } from './tcd.js';
import type { Scheduler, SchedulerOptions } from './types.js';
import { UniPcScheduler } from './unipc.js';

export { isSamplerName, SAMPLERS } from './catalog.js';
export type { SamplerFamily, SamplerInfo, SamplerName } from './catalog.js';
export { createGaussianRandom } from './random.js';
export type { GaussianRandom } from './random.js';
export type { Scheduler, SchedulerOptions, StepOptions, StepResult } from './types.js';

type Factory = (config: Record<string, unknown>, options: SchedulerOptions) => Scheduler;

/** DPM++ 2M stays deterministic even when a model folder's config names an SDE algorithm. */
function deterministicDpm(config: Record<string, unknown>): Record<string, unknown> {
  const algorithm = config.algorithm_type;
  return algorithm === 'sde-dpmsolver++' || algorithm === 'sde-dpmsolver'
    ? { ...config, algorithm_type: algorithm.slice('sde-'.length) }
    : config;
}

const FACTORIES: Record<SamplerName, Factory> = {
  EULER_A: (c, o) => new EulerScheduler(c, o, true),
  KDPM2_A: (c, o) => new Kdpm2AncestralScheduler(c, o),
  EULER: (c, o) => new EulerScheduler(c, o, false),
  DDIM: (c, o) => new DdimScheduler(c, o),
  LMS: (c) => new LmsScheduler(c),
  PNDM: (c) => new PndmScheduler(c),
  DPM_SOLVER_MULTISTEP: (c, o) => new DpmSolverMultistepScheduler(deterministicDpm(c), o),
  DPM_SOLVER_MULTISTEP_KARRAS: (c, o) => new DpmSolverMultistepScheduler(deterministicDpm(c), o),
  DPM_SOLVER_SINGLESTEP: (c, o) => new DpmSolverSinglestepScheduler(c, o),
  DPM_SOLVER_SDE: (c, o) => new DpmSolverMultistepScheduler({ ...c, algorithm_type: 'sde-dpmsolver++' }, o),
  DPM_SOLVER_SDE_KARRAS: (c, o) => new DpmSolverMultistepScheduler({ ...c, algorithm_type: 'sde-dpmsolver++' }, o),
  DDPMS: (c, o) => new DdpmScheduler(c, o),
  UNIPC: (c, o) => new UniPcScheduler(c, o),
  DEIS: (c, o) => new DeisScheduler(c, o),
  KDPM2: (c) => new Kdpm2Scheduler(c),
  HEUN: (c) => new HeunScheduler(c),
  LCM: (c, o) => new LcmScheduler(c, o),
  TCD: (c, o) => new TcdScheduler(c, o),
};

/**
 * A scheduler for `name`, configured from a diffusers scheduler_config.json object (snake_case keys, unknown keys
 * ignored, missing keys at diffusers' defaults). Names ending in _KARRAS turn on use_karras_sigmas.
 */
export function createScheduler(name: string, config: Record<string, unknown>, options: SchedulerOptions = {}): Scheduler {
  if (!isSamplerName(name)) {
    throw new EaselError('INVALID_INPUT', `Unknown sampler "${name}"; valid samplers: ${SAMPLERS.map((s) => s.name).join(', ')}`);
  }
  const effective = name.endsWith('_KARRAS') ? { ...config, use_karras_sigmas: true } : config;
  return FACTORIES[name](effective, options);
}
