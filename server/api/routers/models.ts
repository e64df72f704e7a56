// models.*: the registry, and the lifecycle of the resident models (the model cache).
import { z } from 'zod';
import { adminProcedure, router, userProcedure } from '../trpc.js';
import { keepAliveInput, modelIdInput } from '../inputs.js';
import { streamEvents } from '../event-stream.js';
import { pullProcedures } from './model-pulls.js';

export const modelsRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.services.registry.list()),

  get: userProcedure.input(z.object({ id: modelIdInput })).query(({ ctx, input }) => ctx.services.registry.get(input.id)),

  register: adminProcedure
    .input(
      z.object({
        path: z.string().min(1, 'a folder path is required').max(4096, 'the path is longer than 4096 characters'),
        name: z.string().min(1).max(200).optional(),
        id: modelIdInput.optional(),
      }),
    )
    .mutation(({ ctx, input, signal }) => ctx.services.registry.register(input, signal)),

  remove: adminProcedure.input(z.object({ id: modelIdInput })).mutation(({ ctx, input }) => ctx.services.registry.remove(input.id)),

  scan: adminProcedure.mutation(({ ctx, signal }) => ctx.services.registry.scan(signal)),

  load: adminProcedure
    .input(z.object({ id: modelIdInput, keepAlive: keepAliveInput.optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.manager.load(
        input.id,
        { actor: ctx.actor, requestId: ctx.requestId },
        input.keepAlive === undefined ? undefined : { seconds: input.keepAlive, role: ctx.role },
      ),
    ),

  /** Without an id, every resident model is unloaded. */
  unload: adminProcedure
    .input(z.object({ id: modelIdInput.optional() }).optional())
    .mutation(({ ctx, input }) => ctx.services.manager.unload({ actor: ctx.actor, requestId: ctx.requestId }, input?.id)),

  /** Without an id, every load in flight is cancelled. */
  cancel: adminProcedure
    .input(z.object({ id: modelIdInput.optional() }).optional())
    .mutation(({ ctx, input }) => ctx.services.manager.cancel({ actor: ctx.actor, requestId: ctx.requestId }, input?.id)),

  status: userProcedure.query(({ ctx }) => ctx.services.manager.status()),

  onStatus: userProcedure.subscription(({ ctx, signal }) => {
    const { manager } = ctx.services;
    return streamEvents((listener) => manager.subscribe(listener), { initial: () => [manager.status()], signal });
  }),

  ...pullProcedures,
});
