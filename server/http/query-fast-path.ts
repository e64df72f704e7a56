// Single tRPC queries over plain GET (`/trpc/models.status`, what scripts and pollers send most) answered
// straight from node:http, without the standalone adapter's conversion to Fetch Request/Response objects and
// streamed body, which cost ten times the procedure itself. Same procedure call, middlewares, error formatter
// and bytes on the wire; batches, streams, subscriptions and anything unusual go to the adapter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, transformTRPCResponse, type AnyTRPCRouter, type TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

export interface QueryFastPathOptions<TContext> {
  router: AnyTRPCRouter;
  /** The prefix the adapter is mounted at, with its trailing slash: `/trpc/`. */
  basePath: string;
  createContext: (opts: { req: IncomingMessage }) => TContext;
  onError: (opts: { error: TRPCError; path: string; ctx: TContext | undefined }) => void;
}

/** The headers tRPC's adapter sends with a JSON answer; clients and caches see no difference. */
const JSON_HEADERS = { 'content-type': 'application/json', vary: 'trpc-accept, accept' };

type Handled = boolean;

/**
 * Returns a handler that answers the request and returns true when it is a lone GET query it can serve, or
 * returns false without touching the request or response, for the adapter to handle.
 */
export function createQueryFastPath<TContext>(options: QueryFastPathOptions<TContext>): (req: IncomingMessage, res: ServerResponse, url: URL) => Handled {
  const { router, basePath, createContext, onError } = options;
  const config = router._def._config;
  const procedures = router._def.procedures as Record<string, { _def: { type: string } } | undefined>;

  return (req, res, url) => {
    if (req.method !== 'GET' || req.headers['trpc-accept'] !== undefined || url.searchParams.has('batch')) return false;
    const path = url.pathname.slice(basePath.length);
    if (procedures[path]?._def.type !== 'query') return false;
    const rawInput = url.searchParams.get('input');
    let wireInput: unknown;
    try {
      wireInput = rawInput === null ? undefined : JSON.parse(rawInput);
    } catch {
      // The adapter words the parse error the tRPC way.
      return false;
    }
    void answer(req, res, path, wireInput);
    return true;
  };

  async function answer(req: IncomingMessage, res: ServerResponse, path: string, wireInput: unknown): Promise<void> {
    let ctx: TContext | undefined;
    let input: unknown;
    let status = 200;
    let body: unknown;
    try {
      ctx = createContext({ req });
      const data: unknown = await callTRPCProcedure({
        router,
        path,
        type: 'query',
        ctx,
        batchIndex: 0,
        signal: undefined,
        getRawInput: async () => (input = wireInput === undefined ? undefined : config.transformer.input.deserialize(wireInput)),
      });
      body = transformTRPCResponse(config, { result: { data } });
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      onError({ error, path, ctx });
      status = getHTTPStatusCodeFromError(error);
      body = transformTRPCResponse(config, { error: getTRPCErrorShape({ config, error, type: 'query', path, input, ctx }) });
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
