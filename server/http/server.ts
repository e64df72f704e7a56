// The GPU server's HTTP surface: tRPC under /trpc (queries, mutations, SSE subscriptions) and /healthz.
import { createServer, type Server } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../api/root.js';
import { createHttpContext } from '../api/context.js';
import type { Services } from '../api/services.js';
import type { Logger } from '../core/ports.js';

/** Largest request body accepted (a register path, a prompt, an init image later): 16 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function sendJson(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function createEaselServer(services: Services, logger: Logger): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: createHttpContext(services),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('procedure failed', { path, message: error.message });
    },
  });
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') {
      const status = services.manager.status();
      sendJson(res, 200, { ok: true, state: status.state, modelId: status.modelId });
      return;
    }
    if (path.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${path}; the API is under /trpc` } });
  });
}
