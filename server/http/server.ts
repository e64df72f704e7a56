// The GPU server's HTTP surface: tRPC under /trpc (queries, mutations, SSE subscriptions), generated images
// under /images, and /healthz.
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../api/root.js';
import { createHttpContext, requestIdOf, type Context } from '../api/context.js';
import type { Services } from '../api/services.js';
import type { Logger } from '../core/ports.js';
import { createQueryFastPath } from './query-fast-path.js';
import { healthOf } from './health.js';
import { insufficientStorageStatus } from './storage-status.js';
import type { ImageStore } from '../storage/image-store.js';
import { MAX_BODY_BYTES } from './body-limit.js';
import { checkRequest, type GatePolicy } from './request-gate.js';
import { refusalBody } from './refusal-body.js';
import { parseRequestTarget } from './request-target.js';
import { createCompatHandler } from '../compat/compat-routes.js';

/** Headers beyond this get 431 (node's default, stated so the limit is ours). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A client that takes longer than this to send its headers is cut off (slow-header clients hold sockets). */
const HEADERS_TIMEOUT_MS = 15_000;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Generated images are named by their UUID; nothing else under /images is served. */
const IMAGE_PATH = /^\/images\/([0-9a-f-]{36})\.png$/;

/** Only a completed image (its job done, its file not empty) is served, and only then cached for good. */
async function sendImage(res: ServerResponse, storage: ImageStore, id: string): Promise<void> {
  const bytes = await storage.completedImage(id);
  if (bytes === null) {
    res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `No image ${id}.png (it may still be generating, or it was deleted)` } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length, 'cache-control': 'public, max-age=31536000, immutable' });
  res.end(bytes);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A malformed request that never became a request (bad request line, headers too large, too slow): answer and close. */
function refuseClient(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  logger.warn('malformed request refused', { status, code: error.code });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

export function createEaselServer(services: Services, options: { logger: Logger; imagesDir: string }): Server {
  const { logger, imagesDir } = options;
  const { security } = services;
  const gate: GatePolicy = { boundHost: security.host, allowedHosts: security.allowedHosts, allowedOrigins: security.allowedOrigins };
  const shared = {
    router: appRouter,
    basePath: '/trpc/',
    createContext: createHttpContext(services),
    onError({ error, path, ctx }: { error: TRPCError; path: string | undefined; ctx?: Context | undefined }) {
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      // The caller saw a generic message with this request id; the details are here only.
      const cause = error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause ?? '');
      logger.error('procedure failed', { requestId: ctx?.requestId, path, message: error.message, cause });
    },
  };
  const trpc = createHTTPHandler({ ...shared, maxBodySize: MAX_BODY_BYTES, responseMeta: insufficientStorageStatus });
  const trpcQuery = createQueryFastPath(shared);
  // OpenAI Images (/v1) and AUTOMATIC1111 (/sdapi/v1): they apply the gate themselves, as edits are multipart.
  const compat = createCompatHandler(services, { logger, maxBodyBytes: MAX_BODY_BYTES, gate });

  /** Anything that escapes a request's handling: logged with the request id, answered if still possible, and the server goes on. */
  const lastResort = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    const requestId = requestIdOf(req) ?? randomUUID();
    logger.error('request failed unexpectedly', { requestId, method: req.method, target: req.url?.slice(0, 200), error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, { error: { code: 'INTERNAL', message: `Internal server error (request id ${requestId}); the server log has the details under that id` } });
  };

  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = parseRequestTarget(req.url);
    if (url === null) {
      sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'The request target must be a path such as /trpc/models.status', easelCode: 'INVALID_INPUT' } });
      return;
    }
    const path = url.pathname;
    if (compat(req, res, url)) return;
    const refusal = checkRequest(
      { method: req.method ?? 'GET', host: headerOf(req, 'host'), origin: headerOf(req, 'origin'), secFetchSite: headerOf(req, 'sec-fetch-site'), contentType: headerOf(req, 'content-type') },
      gate,
    );
    if (refusal) {
      sendJson(res, refusal.status, refusalBody(path, url.search, refusal));
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, healthOf(services));
      return;
    }
    const image = IMAGE_PATH.exec(path);
    if (image && (req.method === 'GET' || req.method === 'HEAD')) {
      sendImage(res, services.storage, image[1]!).catch((error: unknown) => lastResort(req, res, error));
      return;
    }
    if (path.startsWith('/trpc/')) {
      if (!trpcQuery(req, res, url)) trpc(req, res);
      return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${path.slice(0, 200)}; the API is under /trpc` } });
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS }, (req, res) => {
    try {
      route(req, res);
    } catch (error) {
      lastResort(req, res, error);
    }
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => refuseClient(error, socket, logger));
  return server;
}
