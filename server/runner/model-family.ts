// What a model folder's configs say about its family: what its UNet predicts, and how a distilled model (SD-Turbo,
// SDXL-Turbo, LCM, TCD) is meant to be sampled. The families are data; each default names the file and key it came from.
import { EaselError } from '../core/errors.js';
import type { SamplingDefaults } from '../core/ports.js';
import { PREDICTION_TYPES } from '../core/schedulers/config.js';
import { SAMPLERS, type SamplerName } from '../core/schedulers/index.js';

type Json = Record<string, unknown>;

const SCHEDULER_FILE = 'scheduler/scheduler_config.json';
const INDEX_FILE = 'model_index.json';

/** scheduler_config.json prediction_type (absent: epsilon, as diffusers defaults it). */
export function predictionTypeOf(scheduler: Json): string {
  const value = scheduler.prediction_type ?? 'epsilon';
  if (typeof value === 'string' && (PREDICTION_TYPES as readonly string[]).includes(value)) return value;
  throw new EaselError(
    'INVALID_MODEL',
    `${SCHEDULER_FILE} key "prediction_type" is ${JSON.stringify(value)}; Easel samples ${PREDICTION_TYPES.join(', ')} models`,
    { details: { file: SCHEDULER_FILE, key: 'prediction_type' } },
  );
}

interface DistilledFamily {
  /** scheduler_config.json _class_name values that mark the family. */
  schedulerClasses: readonly string[];
  /** Marks the family in model_index.json _name_or_path (the Hub id it was saved from, e.g. "stabilityai/sd-turbo"). */
  nameWord: RegExp;
  /** The sampler the family needs; without one, the sampler of the model's own scheduler class. */
  sampler?: SamplerName;
  steps: number;
  guidance: number;
  timestepSpacing?: string;
  /** Where the numbers come from. */
  reference: string;
}

const DISTILLED_FAMILIES: readonly DistilledFamily[] = [
  {
    schedulerClasses: ['LCMScheduler'],
    nameWord: /(^|[^a-z])lcm([^a-z]|$)/i,
    sampler: 'LCM',
    steps: 4,
    guidance: 1,
    reference: "diffusers' LCM guide: 4 steps, guidance_scale 1 (no classifier-free guidance)",
  },
  {
    schedulerClasses: ['TCDScheduler'],
    nameWord: /(^|[^a-z])tcd([^a-z]|$)/i,
    sampler: 'TCD',
    steps: 4,
    guidance: 0,
    reference: "diffusers' TCD guide: 4 steps, guidance_scale 0",
  },
  {
    schedulerClasses: [],
    nameWord: /turbo/i,
    steps: 1,
    guidance: 0,
    timestepSpacing: 'trailing',
    reference: "diffusers' SD-Turbo / SDXL-Turbo docs: 1 to 4 steps, guidance_scale 0.0, timestep_spacing 'trailing'",
  },
];

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The defaults a distilled model's files imply; `{ sources: [] }` for a model the server's defaults suit. */
export function samplingDefaultsOf(modelIndex: Json | undefined, scheduler: Json): SamplingDefaults {
  const schedulerClass = text(scheduler._class_name);
  const savedFrom = text(modelIndex?._name_or_path);
  for (const family of DISTILLED_FAMILIES) {
    let evidence: string | undefined;
    if (schedulerClass !== undefined && family.schedulerClasses.includes(schedulerClass)) {
      evidence = `${SCHEDULER_FILE} _class_name = ${schedulerClass}`;
    } else if (savedFrom !== undefined && family.nameWord.test(savedFrom)) {
      evidence = `${INDEX_FILE} _name_or_path = ${savedFrom}`;
    }
    if (evidence === undefined) continue;
    const sampler = family.sampler ?? SAMPLERS.find((s) => s.diffusersClass === schedulerClass)?.name;
    const spacing = text(scheduler.timestep_spacing) ?? family.timestepSpacing;
    const sources = [evidence, family.reference];
    if (family.sampler === undefined && sampler !== undefined) sources.push(`sampler from ${SCHEDULER_FILE} _class_name = ${schedulerClass}`);
    if (text(scheduler.timestep_spacing) !== undefined) sources.push(`timestep spacing from ${SCHEDULER_FILE} timestep_spacing`);
    return {
      ...(sampler === undefined ? {} : { sampler }),
      steps: family.steps,
      guidance: family.guidance,
      ...(spacing === undefined ? {} : { timestepSpacing: spacing }),
      sources,
    };
  }
  return { sources: [] };
}

/**
 * The scheduler config a generation samples with: the model's own, plus its family's timestep spacing when the
 * file names none (an SD-Turbo export without `timestep_spacing` is still meant to run with "trailing").
 */
export function samplingSchedulerConfig(model: { schedulerConfig: Json; samplingDefaults?: SamplingDefaults }): Json {
  const spacing = model.samplingDefaults?.timestepSpacing;
  if (spacing === undefined || text(model.schedulerConfig.timestep_spacing) !== undefined) return model.schedulerConfig;
  return { ...model.schedulerConfig, timestep_spacing: spacing };
}
