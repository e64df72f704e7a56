// models.*: the registry, and the lifecycle of the resident models (the model cache).
import { z } from 'zod';
import { adminProcedure, router, userProcedure } from '../trpc.js';
import { keepAliveInput, modelIdInput, nodeNameInput } from '../inputs.js';
import { EaselError } from '../../core/errors.js';
import { placeLoad } from '../../cluster/load-placement.js';
import { loadOnNode } from '../../cluster/node-forward.js';
import type { NodeView } from '../../cluster/node-presence.js';
import type { ModelsStatus } from '../../core/model-manager.js';
import { streamEvents } from '../event-stream.js';
import { pullProcedures } from './model-pulls.js';

/**
 * models.status: this node's models (as models.onStatus sends them), and, optional so that the two stay one type
 * for clients, this node's name and every node's resident models.
 */
export type ClusterModelsStatus = ModelsStatus & {
  node?: string;
  nodes?: Array<Pick<NodeView, 'name' | 'alive' | 'liveness' | 'models' | 'memoryBudgetBytes' | 'memoryUsedBytes'>>;
};

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

  /** On a cluster, `node` names the node to load on; without it, the node holding the model or with the most free budget. */
  load: adminProcedure
    .input(z.object({ id: modelIdInput, keepAlive: keepAliveInput.optional(), node: nodeNameInput.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { nodes } = ctx.services;
      const everyNode = input.node === nodes.name ? null : await nodes.list();
      const target = everyNode && (input.node ?? placeLoad(everyNode, input.id, nodes.name));
      if (target && target !== nodes.name) {
        const node = everyNode.find((n) => n.name === target);
        if (!node) throw new EaselError('NOT_FOUND', `No node named "${target}" (see nodes.list)`);
        const forwarded: { id: string; keepAlive?: number } = { id: input.id };
        if (input.keepAlive !== undefined) forwarded.keepAlive = input.keepAlive;
        return loadOnNode(node, forwarded, { token: ctx.token, actor: ctx.actor });
      }
      return ctx.services.manager.load(
        input.id,
        { actor: ctx.actor, requestId: ctx.requestId },
        input.keepAlive === undefined ? undefined : { seconds: input.keepAlive, role: ctx.role },
      );
    }),

  /** Without an id, every resident model is unloaded. */
  unload: adminProcedure
    .input(z.object({ id: modelIdInput.optional() }).optional())
    .mutation(({ ctx, input }) => ctx.services.manager.unload({ actor: ctx.actor, requestId: ctx.requestId }, input?.id)),

  /** Without an id, every load in flight is cancelled. */
  cancel: adminProcedure
    .input(z.object({ id: modelIdInput.optional() }).optional())
    .mutation(({ ctx, input }) => ctx.services.manager.cancel({ actor: ctx.actor, requestId: ctx.requestId }, input?.id)),

  /** This node's models, and every node's resident models (one entry on SQLite). */
  status: userProcedure.query(
    async ({ ctx }): Promise<ClusterModelsStatus> => ({
      ...ctx.services.manager.status(),
      node: ctx.services.nodes.name,
      nodes: (await ctx.services.nodes.list()).map(({ name, alive, liveness, models, memoryBudgetBytes, memoryUsedBytes }) => ({ name, alive, liveness, models, memoryBudgetBytes, memoryUsedBytes })),
    }),
  ),

  onStatus: userProcedure.subscription(({ ctx, signal }) => {
    const { manager } = ctx.services;
    return streamEvents((listener) => manager.subscribe(listener), { initial: () => [manager.status()], signal });
  }),

  ...pullProcedures,
});
