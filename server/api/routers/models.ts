// models.*: the registry and the lifecycle of the loaded model.
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { modelIdInput } from '../inputs.js';
import { streamEvents } from '../event-stream.js';

export const modelsRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.registry.list()),

  get: publicProcedure.input(z.object({ id: modelIdInput })).query(({ ctx, input }) => ctx.services.registry.get(input.id)),

  register: publicProcedure
    .input(
      z.object({
        path: z.string().min(1, 'a folder path is required').max(4096, 'the path is longer than 4096 characters'),
        name: z.string().min(1).max(200).optional(),
        id: modelIdInput.optional(),
      }),
    )
    .mutation(({ ctx, input, signal }) => ctx.services.registry.register(input, signal)),

  remove: publicProcedure.input(z.object({ id: modelIdInput })).mutation(({ ctx, input }) => ctx.services.registry.remove(input.id)),

  scan: publicProcedure.mutation(({ ctx, signal }) => ctx.services.registry.scan(signal)),

  load: publicProcedure
    .input(z.object({ id: modelIdInput }))
    .mutation(({ ctx, input }) => ctx.services.manager.load(input.id, { actor: ctx.actor, requestId: ctx.requestId })),

  unload: publicProcedure.mutation(({ ctx }) => ctx.services.manager.unload({ actor: ctx.actor, requestId: ctx.requestId })),

  cancel: publicProcedure.mutation(({ ctx }) => ctx.services.manager.cancel({ actor: ctx.actor, requestId: ctx.requestId })),

  status: publicProcedure.query(({ ctx }) => ctx.services.manager.status()),

  onStatus: publicProcedure.subscription(({ ctx, signal }) => {
    const { manager } = ctx.services;
    return streamEvents((listener) => manager.subscribe(listener), { initial: () => [manager.status()], signal });
  }),
});
