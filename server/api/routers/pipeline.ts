// pipeline.*: samplers and the loaded model's sampler and native size, as in the original facade.
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { SAMPLERS } from '../../core/schedulers/index.js';
import { sizeLimits } from '../../core/generation/generation-params.js';
import { EaselError } from '../../core/errors.js';

export const pipelineRouter = router({
  samplers: publicProcedure.query(() => SAMPLERS.map(({ name, label, description, stochastic }) => ({ name, label, description, stochastic }))),

  setSampler: publicProcedure
    .input(z.object({ sampler: z.string().max(64) }))
    .mutation(async ({ ctx, input }) => {
      if (!SAMPLERS.some((s) => s.name === input.sampler)) {
        throw new EaselError('INVALID_INPUT', `Unknown sampler "${input.sampler}"; choose one of ${SAMPLERS.map((s) => s.name).join(', ')}`);
      }
      await ctx.services.manager.setSampler(input.sampler);
      return { sampler: input.sampler };
    }),

  sampleSize: publicProcedure.query(({ ctx }) => {
    const pipeline = ctx.services.manager.pipeline();
    if (!pipeline) throw new EaselError('NOT_LOADED', 'No model is loaded; load one first (models.load)');
    const limits = sizeLimits(pipeline.model);
    return {
      modelId: pipeline.modelId,
      sampleSize: pipeline.model.sampleSize,
      width: limits.native,
      height: limits.native,
      minSide: limits.min,
      maxSide: limits.max,
      sampler: pipeline.sampler,
    };
  }),
});
