// generate.*: image jobs on the loaded model — start, follow progress, cancel, read back.
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { streamEvents } from '../event-stream.js';
import { isFinal, type JobEvent } from '../../core/generation/job-events.js';
import type { GenerationView } from '../../core/generation/generation-queue.js';
import { LIMITS } from '../../core/generation/generation-params.js';

const jobId = z.string().uuid('a generation id is a UUID');

/** A job that ended before the subscriber came: its final event, rebuilt from the record. */
function finalEvent(generation: GenerationView): JobEvent {
  if (generation.status === 'done') {
    return { id: generation.id, status: 'done', done: true, imageUrl: generation.imageUrl!, seed: generation.seed, durationMs: generation.durationMs ?? 0, runMs: generation.runMs };
  }
  if (generation.status === 'failed' || generation.status === 'cancelled') {
    const code = generation.status === 'cancelled' ? 'CANCELLED' : 'GENERATION_FAILED';
    return { id: generation.id, status: generation.status, error: { code, message: generation.error ?? generation.status } };
  }
  return { id: generation.id, status: 'queued', position: 0, step: 0, totalSteps: generation.steps, etaMs: null };
}

export const generateRouter = router({
  start: publicProcedure
    .input(
      z.object({
        prompt: z.string().max(2000, 'prompts are at most 2000 characters'),
        negativePrompt: z.string().max(2000, 'negative prompts are at most 2000 characters').optional(),
        sampler: z.string().max(64).optional(),
        steps: z.number().int().min(LIMITS.steps.min).max(LIMITS.steps.max).optional(),
        guidance: z.number().min(LIMITS.guidance.min).max(LIMITS.guidance.max).optional(),
        seed: z.number().int().min(0).max(LIMITS.seedMax).optional(),
        width: z.number().int().positive().optional(),
        height: z.number().int().positive().optional(),
        count: z.number().int().min(LIMITS.count.min).max(LIMITS.count.max).optional(),
        image: z.string().max(12 * 1024 * 1024, 'the image is larger than 9 MB').optional(),
        strength: z.number().gt(0).max(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.generations.start(input)),

  onProgress: publicProcedure.input(z.object({ id: jobId })).subscription(({ ctx, input, signal }) => {
    const { generations } = ctx.services;
    return streamEvents<JobEvent>((listener) => generations.subscribe(input.id, listener), {
      initial: async () => {
        const last = generations.lastEvent(input.id);
        return [last ?? finalEvent(await generations.get(input.id))];
      },
      isLast: isFinal,
      signal,
    });
  }),

  cancel: publicProcedure.input(z.object({ id: jobId })).mutation(({ ctx, input }) => ctx.services.generations.cancel(input.id)),

  get: publicProcedure.input(z.object({ id: jobId })).query(({ ctx, input }) => ctx.services.generations.get(input.id)),
});
