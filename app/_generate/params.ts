// The generation form's values and how they become a generate.start input.
export interface GenerationParams {
  prompt: string;
  negativePrompt: string;
  sampler: string;
  /** Number fields hold what was typed, so a cleared field is an error next to it rather than NaN sent to the server. */
  steps: string;
  guidance: string;
  /** Empty: the server draws a seed (shown with the result). */
  seed: string;
  width: number;
  height: number;
  /** Images in one batch (seeds seed, seed + 1, …). */
  count: string;
  /** Image-to-image: the initial image as a data URL, and how much of it is repainted. */
  image: string | null;
  strength: number;
}

export const DEFAULT_PARAMS: GenerationParams = {
  prompt: '',
  negativePrompt: '',
  sampler: '',
  steps: '25',
  guidance: '7.5',
  seed: '',
  width: 512,
  height: 512,
  count: '1',
  image: null,
  strength: 0.6,
};

export const STEP_LIMITS = { min: 1, max: 150 } as const;
export const GUIDANCE_LIMITS = { min: 0, max: 30 } as const;
export const COUNT_LIMITS = { min: 1, max: 16 } as const;
/** The server takes seeds 0 … 2^32 − 1 (a batch needs room for seed + count − 1). */
export const SEED_MAX = 2 ** 32 - 1;

export function randomSeed(): string {
  return String(Math.floor(Math.random() * (SEED_MAX + 1)));
}

export type FieldName = 'prompt' | 'steps' | 'guidance' | 'seed' | 'count';
export type FieldErrors = Partial<Record<FieldName, string>>;

function integerIn(raw: string, min: number, max: number, name: string): string | undefined {
  if (raw.trim() === '') return `Enter ${name} (${min}–${max}).`;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return `${name[0]!.toUpperCase()}${name.slice(1)} must be a whole number from ${min} to ${max}.`;
  return undefined;
}

/** What is wrong with each field, in words shown next to it; empty when the form can be sent. */
export function fieldErrors(params: GenerationParams): FieldErrors {
  const errors: FieldErrors = {};
  if (params.prompt.trim() === '') errors.prompt = 'Write a prompt.';
  const steps = integerIn(params.steps, STEP_LIMITS.min, STEP_LIMITS.max, 'steps');
  if (steps) errors.steps = steps;
  const guidance = Number(params.guidance);
  if (params.guidance.trim() === '' || !Number.isFinite(guidance) || guidance < GUIDANCE_LIMITS.min || guidance > GUIDANCE_LIMITS.max) {
    errors.guidance = `Guidance must be a number from ${GUIDANCE_LIMITS.min} to ${GUIDANCE_LIMITS.max}.`;
  }
  const count = integerIn(params.count, COUNT_LIMITS.min, COUNT_LIMITS.max, 'batch count');
  if (count) errors.count = count;
  if (params.seed !== '') {
    const seed = Number(params.seed);
    const room = count ? 1 : Number(params.count);
    if (!Number.isInteger(seed) || seed < 0 || seed + room - 1 > SEED_MAX) errors.seed = `The seed must be from 0 to ${SEED_MAX - room + 1}.`;
  }
  return errors;
}

/** The PNG or JPEG bytes of a data URL, as generate.start takes them. */
function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(',') + 1);
}

export function toStartInput(params: GenerationParams, model: string) {
  const seed = params.seed.trim();
  return {
    model,
    prompt: params.prompt,
    negativePrompt: params.negativePrompt || undefined,
    sampler: params.sampler || undefined,
    steps: Number(params.steps),
    guidance: Number(params.guidance),
    seed: seed === '' ? undefined : Number(seed),
    width: params.width,
    height: params.height,
    count: Number(params.count),
    ...(params.image ? { image: base64Of(params.image), strength: params.strength } : {}),
  };
}
