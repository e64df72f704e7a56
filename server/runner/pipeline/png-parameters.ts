// The text chunks an Easel PNG carries: its generation parameters in AUTOMATIC1111's `parameters` format, so other
// tools (and Easel's own page, when the file is dropped on it) can read how it was made.
import { formatParameters } from '../../../client/a1111-parameters.js';
import type { GenerationRequest } from '../../core/ports.js';
import { SAMPLERS } from '../../core/schedulers/catalog.js';

export function pngParameters(request: GenerationRequest): Record<string, string> {
  const sampler = SAMPLERS.find((s) => s.name === request.sampler)?.label ?? request.sampler;
  const parameters = formatParameters({
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
    sampler,
    steps: request.steps,
    guidance: request.guidance,
    seed: request.seed,
    width: request.width,
    height: request.height,
    ...(request.initImageBase64 !== undefined && request.strength !== undefined ? { strength: request.strength } : {}),
  });
  return { parameters };
}
