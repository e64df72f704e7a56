// Validates and completes a generation request against the loaded model: sampler, size limits, steps,
// guidance, seed, image-to-image; every refusal names the parameter and its allowed range.
import { EaselError } from '../errors.js';
import { isSamplerName, SAMPLERS } from '../schedulers/index.js';
import type { ModelDescription } from '../ports.js';

export interface GenerationInput {
  prompt: string;
  negativePrompt?: string;
  sampler?: string;
  steps?: number;
  guidance?: number;
  seed?: number;
  width?: number;
  height?: number;
  count?: number;
  /** Initial image for image-to-image, base64 PNG/JPEG (a data URL prefix is accepted). */
  image?: string;
  strength?: number;
}

export interface ResolvedParams {
  prompt: string;
  negativePrompt: string;
  sampler: string;
  steps: number;
  guidance: number;
  /** One seed per image: the given (or drawn) seed, then seed + 1, … */
  seeds: number[];
  width: number;
  height: number;
  initImageBase64?: string;
  strength?: number;
}

export const LIMITS = {
  steps: { min: 1, max: 150, default: 25 },
  guidance: { min: 0, max: 30, default: 7.5 },
  count: { min: 1, max: 16 },
  /** Seeds are 32-bit, as torch's CPU generator (whose numbers Easel reproduces) uses them. */
  seedMax: 2 ** 32 - 1,
  /** Smallest side in pixels, and the largest as a multiple of the model's native size. */
  minSide: 64,
  maxSideFactor: 2,
} as const;

function invalid(message: string): EaselError {
  return new EaselError('INVALID_INPUT', message);
}

function inRange(name: string, value: number, min: number, max: number, integer: boolean): number {
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw invalid(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${value})`);
  }
  return value;
}

export function sizeLimits(model: ModelDescription): { native: number; min: number; max: number } {
  const native = model.sampleSize * model.vaeScaleFactor;
  return { native, min: LIMITS.minSide, max: native * LIMITS.maxSideFactor };
}

function side(name: 'width' | 'height', value: number | undefined, model: ModelDescription): number {
  const { native, min, max } = sizeLimits(model);
  const v = inRange(name, value ?? native, min, max, true);
  if (v % 8 !== 0) throw invalid(`${name} must be a multiple of 8 (got ${v}; try ${Math.round(v / 8) * 8})`);
  return v;
}

export function resolveParams(input: GenerationInput, model: ModelDescription, defaultSampler: string, randomSeed: () => number): ResolvedParams {
  // A distilled model's own defaults (Turbo, LCM, TCD: few steps, little guidance) come before the server's.
  const own = model.samplingDefaults;
  const sampler = input.sampler ?? own?.sampler ?? defaultSampler;
  if (!isSamplerName(sampler)) {
    throw invalid(`Unknown sampler "${sampler}"; choose one of ${SAMPLERS.map((s) => s.name).join(', ')}`);
  }
  const count = inRange('count', input.count ?? 1, LIMITS.count.min, LIMITS.count.max, true);
  const seed = input.seed === undefined ? randomSeed() : inRange('seed', input.seed, 0, LIMITS.seedMax - count + 1, true);
  const params: ResolvedParams = {
    prompt: input.prompt,
    negativePrompt: input.negativePrompt ?? '',
    sampler,
    steps: inRange('steps', input.steps ?? own?.steps ?? LIMITS.steps.default, LIMITS.steps.min, LIMITS.steps.max, true),
    guidance: inRange('guidance', input.guidance ?? own?.guidance ?? LIMITS.guidance.default, LIMITS.guidance.min, LIMITS.guidance.max, false),
    seeds: Array.from({ length: count }, (_, i) => seed + i),
    width: side('width', input.width, model),
    height: side('height', input.height, model),
  };
  if (input.image !== undefined) {
    if (!model.hasVaeEncoder) throw invalid('This model has no vae_encoder, so image-to-image is not available');
    params.initImageBase64 = input.image.replace(/^data:image\/[a-z]+;base64,/, '');
    params.strength = inRange('strength', input.strength ?? 0.75, 0.01, 1, false);
  } else if (input.strength !== undefined) {
    throw invalid('strength only applies to image-to-image; pass an image too');
  }
  return params;
}
