// models.pull, models.onPull, models.cancelPull: downloading a model from a Hugging Face-compatible hub (admin).
import { z } from 'zod';
import { adminProcedure } from '../trpc.js';
import { streamEvents } from '../event-stream.js';
import { isFinalPullStatus, type PullEvent } from '../../registry/hub/pull-event.js';

const NAME_PART = /^[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9_])?$/;

const repoInput = z
  .string()
  .min(1, 'a repository is required, like owner/name')
  .max(96, 'hub repository names are at most 96 characters')
  .refine((repo) => {
    const parts = repo.split('/');
    return parts.length <= 2 && parts.every((p) => NAME_PART.test(p) && !p.includes('..'));
  }, 'a repository is "owner/name" (letters, digits, ".", "_" and "-")');

const revisionInput = z
  .string()
  .min(1)
  .max(200, 'a revision is at most 200 characters')
  .regex(/^[\w.\/-]+$/, 'a revision is a branch, tag or commit hash')
  .refine((rev) => !rev.split('/').includes('..'), 'a revision cannot contain ".."');

const subfolderInput = z
  .string()
  .max(200, 'a subfolder is at most 200 characters')
  .regex(/^\/*[\w.-]+(?:\/[\w.-]+)*\/*$/, 'a subfolder is a path inside the repository, like onnx')
  .refine((path) => !path.split('/').some((p) => p === '..' || p === '.'), 'a subfolder cannot contain "." or ".."');

export const pullProcedures = {
  /** Checks the repository's layout, starts the download and answers at once with the pull's first event. */
  pull: adminProcedure
    .input(z.object({ repo: repoInput, revision: revisionInput.optional(), subfolder: subfolderInput.optional() }))
    .mutation(({ ctx, input, signal }) => ctx.services.pulls.start(input, signal)),

  /** By id, or the pull in flight of a repository; partial files stay, so pulling again continues. */
  cancelPull: adminProcedure
    .input(z.union([z.object({ id: z.string().min(1).max(100) }), z.object({ repo: repoInput })]))
    .mutation(({ ctx, input }) => ctx.services.pulls.cancel(input)),

  /** With a pullId: that pull's progress, ending after its final event. Without: every pull's, without end. */
  onPull: adminProcedure.input(z.object({ pullId: z.string().min(1).max(100).optional() }).optional()).subscription(({ ctx, input, signal }) => {
    const { pulls } = ctx.services;
    const pullId = input?.pullId;
    return streamEvents<PullEvent>(
      (listener) => pulls.subscribe((event) => (pullId === undefined || event.pullId === pullId) && listener(event)),
      {
        initial: () => (pullId === undefined ? pulls.list() : [pulls.get(pullId)]),
        isLast: (event) => pullId !== undefined && isFinalPullStatus(event.status),
        signal,
      },
    );
  }),
};
