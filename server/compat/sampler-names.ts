// AUTOMATIC1111's sampler names and what each is in Easel: an exact equivalent, or none (with the nearest
// sampler named so a person can choose it deliberately). Names are never mapped silently to another sampler.
import { EaselError } from '../core/errors.js';
import { SAMPLERS, type SamplerName } from '../core/schedulers/index.js';

export type A1111Sampler =
  | { name: string; aliases: readonly string[]; easel: SamplerName }
  | { name: string; aliases: readonly string[]; easel: null; nearest: SamplerName | null; why: string };

/** A1111's samplers (k-diffusion and CompVis families, before and after the separate scheduler field of 1.9). */
export const A1111_SAMPLERS: readonly A1111Sampler[] = [
  { name: 'Euler a', aliases: ['k_euler_a', 'k_euler_ancestral'], easel: 'EULER_A' },
  { name: 'Euler', aliases: ['k_euler'], easel: 'EULER' },
  { name: 'LMS', aliases: ['k_lms'], easel: 'LMS' },
  { name: 'Heun', aliases: ['k_heun'], easel: 'HEUN' },
  { name: 'DPM2', aliases: ['k_dpm_2'], easel: 'KDPM2' },
  { name: 'DPM2 a', aliases: ['k_dpm_2_a'], easel: 'KDPM2_A' },
  { name: 'DPM++ 2M', aliases: ['k_dpmpp_2m'], easel: 'DPM_SOLVER_MULTISTEP' },
  { name: 'DPM++ 2M Karras', aliases: ['k_dpmpp_2m_ka'], easel: 'DPM_SOLVER_MULTISTEP_KARRAS' },
  { name: 'DPM++ 2M SDE', aliases: ['k_dpmpp_2m_sde'], easel: 'DPM_SOLVER_SDE' },
  { name: 'DPM++ 2M SDE Karras', aliases: ['k_dpmpp_2m_sde_ka'], easel: 'DPM_SOLVER_SDE_KARRAS' },
  { name: 'DDIM', aliases: [], easel: 'DDIM' },
  { name: 'UniPC', aliases: [], easel: 'UNIPC' },
  { name: 'LCM', aliases: ['k_lcm'], easel: 'LCM' },
  { name: 'LMS Karras', aliases: ['k_lms_ka'], easel: null, nearest: 'LMS', why: 'Easel has no LMS with Karras noise levels' },
  { name: 'DPM2 Karras', aliases: ['k_dpm_2_ka'], easel: null, nearest: 'KDPM2', why: 'Easel has no DPM2 with Karras noise levels' },
  { name: 'DPM2 a Karras', aliases: ['k_dpm_2_a_ka'], easel: null, nearest: 'KDPM2_A', why: 'Easel has no DPM2 a with Karras noise levels' },
  { name: 'DPM++ 2S a', aliases: ['k_dpmpp_2s_a'], easel: null, nearest: 'DPM_SOLVER_SINGLESTEP', why: "Easel's DPM++ 2S is deterministic, not ancestral" },
  { name: 'DPM++ 2S a Karras', aliases: ['k_dpmpp_2s_a_ka'], easel: null, nearest: 'DPM_SOLVER_SINGLESTEP', why: "Easel's DPM++ 2S is deterministic, not ancestral" },
  { name: 'DPM++ SDE', aliases: ['k_dpmpp_sde'], easel: null, nearest: 'DPM_SOLVER_SDE', why: "Easel has no singlestep DPM++ SDE (diffusers' DPMSolverSDEScheduler draws Brownian-tree noise no seeded stream reproduces)" },
  { name: 'DPM++ SDE Karras', aliases: ['k_dpmpp_sde_ka'], easel: null, nearest: 'DPM_SOLVER_SDE_KARRAS', why: "Easel has no singlestep DPM++ SDE (diffusers' DPMSolverSDEScheduler draws Brownian-tree noise no seeded stream reproduces)" },
  { name: 'DPM++ 2M SDE Heun', aliases: ['k_dpmpp_2m_sde_heun'], easel: null, nearest: 'DPM_SOLVER_SDE', why: 'Easel has no Heun variant of DPM++ 2M SDE' },
  { name: 'DPM++ 3M SDE', aliases: ['k_dpmpp_3m_sde'], easel: null, nearest: 'DPM_SOLVER_SDE', why: 'Easel has no third-order DPM++ SDE' },
  { name: 'DPM fast', aliases: ['k_dpm_fast'], easel: null, nearest: null, why: 'Easel has no DPM-Solver with a fixed order' },
  { name: 'DPM adaptive', aliases: ['k_dpm_ad'], easel: null, nearest: null, why: 'Easel has no adaptive-step sampler' },
  { name: 'Restart', aliases: [], easel: null, nearest: null, why: 'Easel has no Restart sampler' },
  { name: 'DDIM CFG++', aliases: [], easel: null, nearest: 'DDIM', why: 'Easel has no CFG++ guidance' },
  { name: 'PLMS', aliases: [], easel: null, nearest: 'PNDM', why: "PLMS is CompVis' sampler; Easel's PNDM is diffusers' variant of it, not the same steps" },
];

/** Easel samplers no A1111 name reaches: offered under Easel's own label, as A1111's /samplers lists extensions' samplers. */
const EASEL_ONLY: readonly SamplerName[] = SAMPLERS.map((s) => s.name).filter((name) => !A1111_SAMPLERS.some((a) => a.easel === name));

function labelOf(name: SamplerName): string {
  return SAMPLERS.find((s) => s.name === name)!.label;
}

/** What GET /sdapi/v1/samplers lists: every name that runs, with the Easel sampler it runs as. */
export function samplerList(): Array<{ name: string; aliases: string[]; options: { easel_sampler: SamplerName } }> {
  const mapped = A1111_SAMPLERS.flatMap((a) => (a.easel ? [{ name: a.name, aliases: [...a.aliases], options: { easel_sampler: a.easel } }] : []));
  const own = EASEL_ONLY.map((name) => ({ name: labelOf(name), aliases: [name], options: { easel_sampler: name } }));
  return [...mapped, ...own];
}

function find(name: string): A1111Sampler | undefined {
  const wanted = name.toLowerCase();
  return A1111_SAMPLERS.find((a) => a.name.toLowerCase() === wanted || a.aliases.includes(wanted));
}

/**
 * The Easel sampler for an A1111 request's `sampler_name` (a name, an alias, or an Easel sampler by name or
 * label) and its 1.9+ `scheduler` field ('Automatic' or 'Karras'). Returns the name A1111 would write in `info`.
 */
export function resolveA1111Sampler(samplerName: string, scheduler?: string): { easel: SamplerName; name: string } {
  const karras = scheduler !== undefined && scheduler.toLowerCase() === 'karras';
  if (scheduler !== undefined && !karras && scheduler.toLowerCase() !== 'automatic') {
    throw new EaselError('INVALID_INPUT', `scheduler "${scheduler}" is not available in Easel; use "Automatic" or "Karras"`);
  }
  const wanted = karras && !/ karras$/i.test(samplerName) ? `${samplerName} Karras` : samplerName;
  const a1111 = find(wanted);
  if (a1111?.easel) return { easel: a1111.easel, name: a1111.name };
  if (a1111) {
    const nearest = a1111.nearest ? `; the nearest is "${labelOf(a1111.nearest)}" (${a1111.nearest}), which you may choose explicitly` : '';
    throw new EaselError('INVALID_INPUT', `Sampler "${a1111.name}" has no exact equivalent in Easel: ${a1111.why}${nearest}`);
  }
  const own = SAMPLERS.find((s) => !karras && (s.name === samplerName || s.label.toLowerCase() === samplerName.toLowerCase()));
  if (own) return { easel: own.name, name: labelOf(own.name) };
  const what = karras ? `Sampler "${samplerName}" with the Karras scheduler` : `Sampler "${samplerName}"`;
  throw new EaselError('INVALID_INPUT', `${what} is not available in Easel; GET /sdapi/v1/samplers lists the ones that are`);
}
