// generate.*: image jobs — start (loading the model on demand), follow progress, list, cancel, read back.
import { z } from 'zod';
import { router, userProcedure } from '../trpc.js';
import { ownJobProcedure } from '../ownership.js';
import { checkInitImage } from '../../core/generation/init-image.js';
import { streamEvents } from '../event-stream.js';
import { isFinal, type JobEvent } from '../../core/generation/job-events.js';
import type { GenerationView } from '../../core/generation/generation-queue.js';
import type { ActiveJobView } from '../../core/generation/job-list.js';
import { keepAliveInput, modelIdInput } from '../inputs.js';
import { LIMITS } from '../../core/generation/generation-params.js';

/** A job that ended before the subscriber came: its final event, rebuilt from the record. */
function finalEvent(generation: GenerationView): JobEvent {
  if (generation.status === 'done') {
    return { id: generation.id, status: 'done', done: true, imageUrl: generation.imageUrl!, seed: generation.seed, durationMs: generation.durationMs ?? 0, runMs: generation.runMs };
  }
  if (generation.status === 'failed' || generation.status === 'cancelled') {
    const code = generation.errorCode ?? (generation.status === 'cancelled' ? 'CANCELLED' : 'GENERATION_FAILED');
    return { id: generation.id, status: generation.status, error: { code, message: generation.error ?? generation.status } };
  }
  // Not ended and no event in memory yet: a job waiting in the shared queue, or one whose node hasn't reported.
  const waiting = { id: generation.id, step: 0 as const, totalSteps: generation.steps, etaMs: null };
  if (generation.status === 'running') return { ...waiting, status: 'running' };
  if (generation.status === 'loading') return { ...waiting, status: 'loading', modelId: generation.modelId };
  return { ...waiting, status: 'queued', position: 0 };
}

/** A user sees only their own jobs in the shared list; admins and the local user see every job. */
function visibleJobs(caller: { role: string; ownerId: string }, jobs: ActiveJobView[]): ActiveJobView[] {
  return caller.role === 'user' ? jobs.filter((job) => job.ownerId === caller.ownerId) : jobs;
}

export const generateRouter = router({
  start: userProcedure
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
        model: modelIdInput.optional(),
        keepAlive: keepAliveInput.optional(),
      }),
    )
    .use(async ({ input, next }) => {
      if (input.image !== undefined) await checkInitImage(input.image);
      return next();
    })
    .mutation(({ ctx, input }) =>
      ctx.services.generations.start(input, { actor: ctx.actor, ownerRole: ctx.role, ownerId: ctx.ownerId, requestId: ctx.requestId }),
    ),

  /** Every job not yet ended (a user sees only their own), in the order they will run. */
  jobs: userProcedure.query(({ ctx }) => visibleJobs(ctx, ctx.services.generations.jobs())),

  /** The list of unfinished jobs now, then on every change: what every tab of the UI shows. */
  onJobs: userProcedure.subscription(({ ctx, signal }) => {
    const { generations } = ctx.services;
    return streamEvents<ActiveJobView[]>((listener) => generations.subscribeJobs((jobs) => listener(visibleJobs(ctx, jobs))), {
      initial: () => [visibleJobs(ctx, generations.jobs())],
      signal,
    });
  }),

  onProgress: ownJobProcedure.subscription(({ ctx, input, signal }) => {
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

  cancel: ownJobProcedure.mutation(({ ctx, input }) => ctx.services.generations.cancel(input.id)),

  get: ownJobProcedure.query(({ ctx, input }) => ctx.services.generations.get(input.id)),

  /** Removes an ended job's image and row; refused while it is queued or running. */
  delete: ownJobProcedure.mutation(({ ctx, input }) => ctx.services.storage.delete(input.id)),
});
