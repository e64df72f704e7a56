// Turning an earlier image back into form values: "use all parameters", "send to img2img", and a dropped PNG's text.
import { parseParameters } from '../../client/a1111-parameters';
import { readPngText } from '../../client/png-text';
import type { Generation, Sampler } from '../_lib/trpc';
import { readAsDataUrl } from './init-image';
import type { GenerationParams } from './params';

export function paramsOf(generation: Pick<Generation, 'prompt' | 'negativePrompt' | 'sampler' | 'steps' | 'guidance' | 'seed' | 'width' | 'height'>): Partial<GenerationParams> {
  return {
    prompt: generation.prompt,
    negativePrompt: generation.negativePrompt ?? '',
    sampler: generation.sampler,
    steps: String(generation.steps),
    guidance: String(generation.guidance),
    seed: String(generation.seed),
    width: generation.width,
    height: generation.height,
  };
}

/** An image the server made, as a data URL for the image-to-image field. */
export async function imageAsDataUrl(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The image could not be fetched (HTTP ${response.status}).`);
  return readAsDataUrl(await response.blob());
}

/** The form values a PNG's AUTOMATIC1111 `parameters` text describes; null when the file has none. */
export async function paramsFromPng(file: Blob, samplers: readonly Sampler[]): Promise<Partial<GenerationParams> | null> {
  const text = readPngText(new Uint8Array(await file.arrayBuffer())).parameters;
  const parsed = text === undefined ? undefined : parseParameters(text);
  if (!parsed) return null;
  const sampler = samplers.find((s) => s.label === parsed.sampler || s.name === parsed.sampler);
  const values: Partial<GenerationParams> = { prompt: parsed.prompt, negativePrompt: parsed.negativePrompt };
  if (sampler) values.sampler = sampler.name;
  if (parsed.steps !== undefined) values.steps = String(parsed.steps);
  if (parsed.guidance !== undefined) values.guidance = String(parsed.guidance);
  if (parsed.seed !== undefined) values.seed = String(parsed.seed);
  if (parsed.width !== undefined && parsed.height !== undefined) Object.assign(values, { width: parsed.width, height: parsed.height });
  if (parsed.strength !== undefined) values.strength = parsed.strength;
  return values;
}
