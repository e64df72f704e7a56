// The root router: one sub-router per area. AppRouter is the type clients are built from.
import { router } from './trpc.js';
import { historyRouter } from './routers/history.js';
import { modelsRouter } from './routers/models.js';
import { generateRouter } from './routers/generate.js';
import { pipelineRouter } from './routers/pipeline.js';
import { storageRouter } from './routers/storage.js';
import { authRouter } from './routers/auth.js';
import { nodesRouter } from './routers/nodes.js';

export const appRouter = router({
  models: modelsRouter,
  history: historyRouter,
  generate: generateRouter,
  pipeline: pipelineRouter,
  storage: storageRouter,
  auth: authRouter,
  nodes: nodesRouter,
});

export type AppRouter = typeof appRouter;
