// The generation form's values and how they become a generate.start input.
export interface GenerationParams {
  prompt: string;
  negativePrompt: string;
  sampler: string;
  steps: number;
  guidance: number;
  /** Empty: the server draws a seed (shown with the result). */
  seed: string;
  width: number;
  height: number;
}

export const DEFAULT_PARAMS: GenerationParams = {
  prompt: '',
  negativePrompt: '',
  sampler: '',
  steps: 25,
  guidance: 7.5,
  seed: '',
  width: 512,
  height: 512,
};

export const STEP_LIMITS = { min: 1, max: 150 } as const;
export const GUIDANCE_LIMITS = { min: 0, max: 30 } as const;
/** Seeds the UI offers at random; the server accepts up to 2^53 - 1. */
export const RANDOM_SEED_MAX = 2 ** 32;

export function randomSeed(): string {
  return String(Math.floor(Math.random() * RANDOM_SEED_MAX));
}

export function toStartInput(params: GenerationParams) {
  const seed = params.seed.trim();
  return {
    prompt: params.prompt,
    negativePrompt: params.negativePrompt || undefined,
    sampler: params.sampler || undefined,
    steps: params.steps,
    guidance: params.guidance,
    seed: seed === '' ? undefined : Number(seed),
    width: params.width,
    height: params.height,
  };
}
