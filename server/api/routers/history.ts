// history.*: the audit log of state transitions (admin).
import { z } from 'zod';
import { adminProcedure, router } from '../trpc.js';
import { modelIdInput, reasonInput, stateInput } from '../inputs.js';

export const historyRouter = router({
  transitions: adminProcedure
    .input(
      z
        .object({
          modelId: modelIdInput.optional(),
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
});
