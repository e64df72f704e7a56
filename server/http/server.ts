// The GPU server's HTTP surface: tRPC under /trpc (queries, mutations, SSE subscriptions), generated images
// under /images, and /healthz.
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../api/root.js';
import { createHttpContext } from '../api/context.js';
import type { Services } from '../api/services.js';
import type { Logger } from '../core/ports.js';
import { createQueryFastPath } from './query-fast-path.js';

/** Largest request body accepted (a register path, a prompt, an init image later): 16 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Generated images are named by their UUID; nothing else under /images is served. */
const IMAGE_PATH = /^\/images\/([0-9a-f-]{36})\.png$/;

async function sendImage(res: ServerResponse, imagesDir: string, id: string): Promise<void> {
  try {
    const bytes = await readFile(join(imagesDir, `${id}.png`));
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length, 'cache-control': 'public, max-age=31536000, immutable' });
    res.end(bytes);
  } catch {
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No image ${id}.png (it may still be generating)` } });
  }
}

export function createEaselServer(services: Services, options: { logger: Logger; imagesDir: string }): Server {
  const { logger, imagesDir } = options;
  const shared = {
    router: appRouter,
    basePath: '/trpc/',
    createContext: createHttpContext(services),
    onError({ error, path }: { error: TRPCError; path: string | undefined }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('procedure failed', { path, message: error.message });
    },
  };
  const trpc = createHTTPHandler({ ...shared, maxBodySize: MAX_BODY_BYTES });
  const trpcQuery = createQueryFastPath(shared);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/healthz') {
      const status = services.manager.status();
      sendJson(res, 200, { ok: true, state: status.state, modelId: status.modelId });
      return;
    }
    const image = IMAGE_PATH.exec(path);
    if (image && (req.method === 'GET' || req.method === 'HEAD')) {
      void sendImage(res, imagesDir, image[1]!);
      return;
    }
    if (path.startsWith('/trpc/')) {
      if (!trpcQuery(req, res, url)) trpc(req, res);
      return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${path}; the API is under /trpc` } });
  });
}
