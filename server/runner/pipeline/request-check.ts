// The runner's own check of a generation request against the loaded model: the server validates first, but a bad
// request reaching the runner must fail with a message, never crash it.
import { EaselError } from '../../core/errors.js';
import { LIMITS, sizeLimits } from '../../core/generation/generation-params.js';
import type { GenerationRequest, LoadedModel } from '../../core/ports.js';
import { isSamplerName, SAMPLERS } from '../../core/schedulers/index.js';

function invalid(message: string): EaselError {
  return new EaselError('INVALID_INPUT', message);
}

function checkNumber(name: string, value: unknown, min: number, max: number, integer: boolean): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max;
  if (!ok) throw invalid(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${String(value)})`);
}

function checkString(name: string, value: unknown, nonEmpty: boolean): void {
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    throw invalid(`${name} must be a${nonEmpty ? ' non-empty' : ''} string (got ${JSON.stringify(value)})`);
  }
}

function checkSide(name: 'width' | 'height', value: unknown, model: LoadedModel): void {
  const { min, max } = sizeLimits(model);
  checkNumber(name, value, min, max, true);
  const step = model.vaeScaleFactor;
  if ((value as number) % step !== 0) {
    throw invalid(`${name} must be a multiple of ${step} (got ${String(value)}; try ${Math.round((value as number) / step) * step})`);
  }
}

/** Throws INVALID_INPUT naming the first field at fault. */
export function checkGenerationRequest(request: GenerationRequest, model: LoadedModel): void {
  checkString('jobId', request.jobId, true);
  checkString('prompt', request.prompt, false);
  checkString('negativePrompt', request.negativePrompt, false);
  checkString('outputPath', request.outputPath, true);
  if (!isSamplerName(request.sampler)) {
    throw invalid(`Unknown sampler "${String(request.sampler)}"; choose one of ${SAMPLERS.map((s) => s.name).join(', ')}`);
  }
  checkNumber('steps', request.steps, LIMITS.steps.min, LIMITS.steps.max, true);
  checkNumber('guidance', request.guidance, LIMITS.guidance.min, LIMITS.guidance.max, false);
  checkNumber('seed', request.seed, 0, LIMITS.seedMax, true);
  checkSide('width', request.width, model);
  checkSide('height', request.height, model);
  checkNumber('previewEvery', request.previewEvery, 0, Number.MAX_SAFE_INTEGER, true);
  if (request.initImageBase64 === undefined) {
    if (request.strength !== undefined) throw invalid('strength only applies to image-to-image; send an initial image too');
    return;
  }
  checkString('initImageBase64', request.initImageBase64, true);
  if (!model.hasVaeEncoder) throw invalid('this model has no vae_encoder; image-to-image is not available');
  const strength = request.strength;
  if (typeof strength !== 'number' || !Number.isFinite(strength) || strength <= 0 || strength > 1) {
    throw invalid(`strength must be a number above 0 and at most 1 (got ${String(strength)})`);
  }
}
