// The 18 samplers Easel offers, as data: what the UI lists and what createScheduler accepts.

export type SamplerFamily = 'ddim' | 'ddpm' | 'pndm' | 'lms' | 'euler' | 'heun' | 'kdpm2' | 'dpm-solver' | 'deis' | 'unipc' | 'consistency';

export interface SamplerInfo {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** Whether a step adds fresh noise, so the seed keeps mattering after the first step. */
  readonly stochastic: boolean;
  readonly family: SamplerFamily;
  /** The diffusers scheduler class whose numerics it reproduces (a model's scheduler_config _class_name). */
  readonly diffusersClass: string;
}

export const SAMPLERS = [
  { name: 'EULER_A', label: 'Euler a', description: 'Fast and varied; adds fresh noise each step, so images keep changing as steps are added.', stochastic: true, family: 'euler', diffusersClass: 'EulerAncestralDiscreteScheduler' },
  { name: 'KDPM2_A', label: 'DPM2 a', description: 'Second-order ancestral sampler: two model calls a step, detailed and varied results.', stochastic: true, family: 'kdpm2', diffusersClass: 'KDPM2AncestralDiscreteScheduler' },
  { name: 'EULER', label: 'Euler', description: 'Simple and fast deterministic sampler; a good default at 20–30 steps.', stochastic: false, family: 'euler', diffusersClass: 'EulerDiscreteScheduler' },
  { name: 'DDIM', label: 'DDIM', description: 'The classic deterministic sampler; stable at 20–50 steps and repeatable for a seed.', stochastic: false, family: 'ddim', diffusersClass: 'DDIMScheduler' },
  { name: 'LMS', label: 'LMS', description: 'Linear multistep; smooth results at 30 or more steps.', stochastic: false, family: 'lms', diffusersClass: 'LMSDiscreteScheduler' },
  { name: 'PNDM', label: 'PNDM', description: 'The original Stable Diffusion default; reliable at about 50 steps.', stochastic: false, family: 'pndm', diffusersClass: 'PNDMScheduler' },
  { name: 'DPM_SOLVER_MULTISTEP', label: 'DPM++ 2M', description: 'High quality in few steps (15–25); the usual best all-rounder.', stochastic: false, family: 'dpm-solver', diffusersClass: 'DPMSolverMultistepScheduler' },
  { name: 'DPM_SOLVER_MULTISTEP_KARRAS', label: 'DPM++ 2M Karras', description: 'DPM++ 2M with Karras noise levels: crisper detail in 15–25 steps.', stochastic: false, family: 'dpm-solver', diffusersClass: 'DPMSolverMultistepScheduler' },
  { name: 'DPM_SOLVER_SINGLESTEP', label: 'DPM++ 2S', description: 'Singlestep DPM-Solver++: high quality in few steps, deterministic.', stochastic: false, family: 'dpm-solver', diffusersClass: 'DPMSolverSinglestepScheduler' },
  { name: 'DPM_SOLVER_SDE', label: 'DPM++ 2M SDE', description: 'Stochastic DPM++: rich, varied detail at 20–30 steps.', stochastic: true, family: 'dpm-solver', diffusersClass: 'DPMSolverMultistepScheduler' },
  { name: 'DPM_SOLVER_SDE_KARRAS', label: 'DPM++ 2M SDE Karras', description: 'Stochastic DPM++ with Karras noise levels: detailed, varied images at 20–30 steps.', stochastic: true, family: 'dpm-solver', diffusersClass: 'DPMSolverMultistepScheduler' },
  { name: 'DDPMS', label: 'DDPM', description: 'The original diffusion sampler; needs many steps (100 or more) and adds noise each step.', stochastic: true, family: 'ddpm', diffusersClass: 'DDPMScheduler' },
  { name: 'UNIPC', label: 'UniPC', description: 'Predictor–corrector solver; good images in very few steps (10–20).', stochastic: false, family: 'unipc', diffusersClass: 'UniPCMultistepScheduler' },
  { name: 'DEIS', label: 'DEIS', description: 'Exponential integrator; quality close to DPM++ 2M in few steps.', stochastic: false, family: 'deis', diffusersClass: 'DEISMultistepScheduler' },
  { name: 'KDPM2', label: 'DPM2', description: 'Second-order sampler: two model calls a step, accurate at moderate step counts.', stochastic: false, family: 'kdpm2', diffusersClass: 'KDPM2DiscreteScheduler' },
  { name: 'HEUN', label: 'Heun', description: 'Second-order and accurate, but two model calls a step make it slow.', stochastic: false, family: 'heun', diffusersClass: 'HeunDiscreteScheduler' },
  { name: 'LCM', label: 'LCM', description: 'For latent-consistency (LCM / LCM-LoRA) models only: 2–8 steps at low guidance.', stochastic: true, family: 'consistency', diffusersClass: 'LCMScheduler' },
  { name: 'TCD', label: 'TCD', description: 'For TCD-distilled models: 2–8 steps; more detail than LCM.', stochastic: true, family: 'consistency', diffusersClass: 'TCDScheduler' },
] as const satisfies readonly SamplerInfo[];

export type SamplerName = (typeof SAMPLERS)[number]['name'];

const NAMES: ReadonlySet<string> = new Set(SAMPLERS.map((s) => s.name));

export function isSamplerName(s: unknown): s is SamplerName {
  return typeof s === 'string' && NAMES.has(s);
}
