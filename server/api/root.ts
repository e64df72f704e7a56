// The root router: one sub-router per area. AppRouter is the type clients are built from.
import { router } from './trpc.js';
import { historyRouter } from './routers/history.js';
import { modelsRouter } from './routers/models.js';
import { generateRouter } from './routers/generate.js';
import { pipelineRouter } from './routers/pipeline.js';

export const appRouter = router({
  models: modelsRouter,
  history: historyRouter,
  generate: generateRouter,
  pipeline: pipelineRouter,
});

export type AppRouter = typeof appRouter;
