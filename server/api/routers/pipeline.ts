// pipeline.*: samplers, and a model's sampler and native size, as in the original facade.
import { z } from 'zod';
import { adminProcedure, router, userProcedure } from '../trpc.js';
import { SAMPLERS } from '../../core/schedulers/index.js';
import { sizeLimits } from '../../core/generation/generation-params.js';
import { EaselError } from '../../core/errors.js';
import { modelIdInput } from '../inputs.js';
import { DEFAULT_SAMPLER } from '../../core/schedulers/default-sampler.js';

export const pipelineRouter = router({
  samplers: userProcedure.query(() => SAMPLERS.map(({ name, label, description, stochastic }) => ({ name, label, description, stochastic }))),

  setSampler: adminProcedure
    .input(z.object({ sampler: z.string().max(64), model: modelIdInput.optional() }))
    .mutation(async ({ ctx, input }) => {
      if (!SAMPLERS.some((s) => s.name === input.sampler)) {
        throw new EaselError('INVALID_INPUT', `Unknown sampler "${input.sampler}"; choose one of ${SAMPLERS.map((s) => s.name).join(', ')}`);
      }
      await ctx.services.manager.setSampler(input.sampler, input.model);
      return { sampler: input.sampler };
    }),

  /**
   * The native size and size limits of `model` (default: the most recently used resident model), from the loaded
   * pipeline when it is resident, else from the registry, so a form can offer sizes before the model loads.
   */
  sampleSize: userProcedure.input(z.object({ model: modelIdInput.optional() }).optional()).query(async ({ ctx, input }) => {
    const modelId = input?.model ?? ctx.services.manager.mostRecentlyUsed();
    if (!modelId) throw new EaselError('NOT_LOADED', 'No model is loaded; load one first (models.load) or name one (model)');
    const resident = ctx.services.manager.describe(modelId);
    const registered = resident ? null : await ctx.services.registry.get(modelId);
    const description = resident?.model ?? registered!.description;
    const limits = sizeLimits(description);
    return {
      modelId,
      sampleSize: description.sampleSize,
      width: limits.native,
      height: limits.native,
      minSide: limits.min,
      maxSide: limits.max,
      sampler: resident?.sampler ?? registered?.defaultSampler ?? DEFAULT_SAMPLER,
    };
  }),
});
