// history.*: the audit log of state transitions (admin).
import { z } from 'zod';
import { adminProcedure, router, userProcedure } from '../trpc.js';
import { GENERATION_STATUSES } from '../../core/ports.js';
import { modelIdInput, nodeNameInput, reasonInput, stateInput } from '../inputs.js';
import { ownerFilter } from '../ownership.js';

export const historyRouter = router({
  transitions: adminProcedure
    .input(
      z
        .object({
          modelId: modelIdInput.optional(),
          node: nodeNameInput.optional(),
          reason: reasonInput.optional(),
          from: stateInput.optional(),
          to: stateInput.optional(),
          since: z.date().optional(),
          until: z.date().optional(),
          limit: z.number().int().min(1).max(500).default(50),
          cursor: z.number().int().positive().optional(),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.services.history.transitions(input)),

  generations: userProcedure
    .input(
      z
        .object({
          modelId: modelIdInput.optional(),
          status: z.enum(GENERATION_STATUSES).optional(),
          limit: z.number().int().min(1).max(500).default(50),
          cursor: z.string().uuid().optional(),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const page = await ctx.services.history.generations({ ...input, ownerId: ownerFilter(ctx) });
      return { items: page.items.map((g) => ctx.services.generations.view(g)), nextCursor: page.nextCursor };
    }),
});
