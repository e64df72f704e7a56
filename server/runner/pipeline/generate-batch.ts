// Several generations through one UNet run per step (see batch-denoise.ts). The caller (the queue) batches only
// requests that agree on model, size, sampler, steps and guidance and start from noise; each image keeps its own
// seed, prompts and scheduler, so it is the image the same request makes alone. Each request gets its own result
// or error: one cancelled or failing image doesn't stop the others.
import { EaselError, toEaselError } from '../../core/errors.js';
import { requestBatchKey } from '../../core/generation/job-batching.js';
import type { GenerationRequest, GenerationResult } from '../../core/ports.js';
import { denoiseBatch, type BatchMember } from './batch-denoise.js';
import { finishImage, generateImage, prepareImage, type GenerationHooks, type PreparedImage } from './generate.js';
import type { LoadedPipeline } from './loaded-pipeline.js';

export type BatchOutcome = { ok: true; result: GenerationResult } | { ok: false; error: EaselError };

function batchable(requests: readonly GenerationRequest[]): boolean {
  const key = requestBatchKey(requests[0]!);
  return key !== null && requests.every((r) => requestBatchKey(r) === key);
}

const failed = (error: unknown): BatchOutcome => ({ ok: false, error: toEaselError(error, 'GENERATION_FAILED') });

export async function generateImages(pipeline: LoadedPipeline, requests: readonly GenerationRequest[], hooks: readonly GenerationHooks[]): Promise<BatchOutcome[]> {
  if (requests.length === 1 || !batchable(requests)) {
    // One at a time: what can't share a UNet call still runs, in order.
    const outcomes: BatchOutcome[] = [];
    for (const [i, request] of requests.entries()) {
      outcomes.push(await generateImage(pipeline, request, hooks[i]!).then((result) => ({ ok: true as const, result }), failed));
    }
    return outcomes;
  }
  const prepared: Array<PreparedImage | EaselError> = [];
  for (const [i, request] of requests.entries()) {
    prepared.push(await prepareImage(pipeline, request, hooks[i]!).catch((error: unknown) => toEaselError(error, 'GENERATION_FAILED')));
  }
  const members = new Map<PreparedImage, BatchMember>();
  for (const image of prepared) {
    if (image instanceof EaselError) continue;
    members.set(image, {
      scheduler: image.scheduler,
      latents: image.start.latents,
      hidden: image.conditioning.hidden,
      added: image.conditioning.added,
      clock: image.clock,
      afterStep: image.afterStep,
    });
  }
  const [first] = [...members.keys()];
  if (first) {
    await denoiseBatch({
      unet: pipeline.unet,
      io: pipeline.io,
      timesteps: first.start.timesteps,
      latentDims: first.latentDims,
      guidance: first.request.guidance,
      members: [...members.values()],
    }).catch((error: unknown) => {
      // The shared UNet run failed: every image still in the batch fails with it.
      for (const member of members.values()) member.error ??= error;
    });
  }
  const outcomes: BatchOutcome[] = [];
  for (const image of prepared) {
    if (image instanceof EaselError) {
      outcomes.push({ ok: false, error: image });
      continue;
    }
    const member = members.get(image)!;
    if (member.error !== undefined) {
      outcomes.push(failed(member.error));
      continue;
    }
    outcomes.push(await finishImage(pipeline, image, member.latents).then((result) => ({ ok: true as const, result }), failed));
  }
  return outcomes;
}
