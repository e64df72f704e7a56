// Server side of the web tier: where the GPU server listens, and a streaming pass-through of one request to
// it (tRPC calls, server-sent events, images), so the browser needs only this origin. Each request passes the
// web gate first, its body is capped at the GPU server's limit, and the signed-in token rides along as a bearer.
import { MAX_BODY_BYTES } from '../../server/http/body-limit';
import { sessionToken } from './session-cookie';
import { gateRequest, refusalResponse } from './web-gate';

/** Request headers the GPU server reads; cookies and the rest stay on this side. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'authorization',
  'cache-control',
  'content-type',
  'last-event-id',
  'trpc-accept',
  'x-easel-actor',
  'x-request-id',
];

/** fetch() has already decoded and de-chunked the body, so these would describe bytes that are not sent. */
const DROPPED_RESPONSE_HEADERS = ['connection', 'content-encoding', 'content-length', 'keep-alive', 'transfer-encoding'];

/** The GPU server's origin, from the same variables it reads itself (EASEL_HOST, EASEL_PORT). */
export function gpuServerOrigin(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.EASEL_HOST ?? '127.0.0.1';
  // A server listening on every interface is still reached on loopback from here.
  const host = configured === '0.0.0.0' || configured === '::' || configured === '' ? '127.0.0.1' : configured;
  const port = env.EASEL_PORT && env.EASEL_PORT !== '0' ? env.EASEL_PORT : '4100';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * An error in tRPC's wire shape (superjson-encoded, one per call of a batch), so the UI shows it like any other
 * server error instead of "Unable to transform response".
 */
function unreachable(pathname: string, search: string, message: string): Response {
  const error = { json: { message, code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 502, easelCode: 'SERVER_UNREACHABLE' } } };
  const calls = pathname.slice(pathname.lastIndexOf('/') + 1).split(',').length;
  const body = new URLSearchParams(search).get('batch') === '1' ? Array.from({ length: calls }, () => ({ error })) : { error };
  return Response.json(body, { status: 502 });
}

/** The body, or null once it passes `limit` bytes (declared or counted): nothing larger is held in memory. */
async function readCapped(request: Request, limit: number): Promise<ArrayBuffer | null> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return null;
  if (request.body === null) return new ArrayBuffer(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined.buffer;
}

/** Sends `request` to the GPU server at `path` (plus the request's query string) and streams the answer back. */
export async function forward(request: Request, path: string): Promise<Response> {
  const refused = gateRequest(request);
  if (refused) return refused;
  const { search } = new URL(request.url);
  const origin = gpuServerOrigin();
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // EventSource can't send headers; the sign-in cookie comes with every same-origin request instead.
  const token = sessionToken(request);
  if (!headers.has('authorization') && token) headers.set('authorization', `Bearer ${token}`);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const body = hasBody ? await readCapped(request, MAX_BODY_BYTES) : undefined;
  if (body === null) {
    return refusalResponse(request, { status: 413, easelCode: 'INVALID_INPUT', message: `The request body is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MiB the GPU server accepts` });
  }
  let upstream: Response;
  try {
    upstream = await fetch(`${origin}${path}${search}`, {
      method: request.method,
      headers,
      body,
      // The browser closing an event stream must end the subscription on the GPU server too.
      signal: request.signal,
      cache: 'no-store',
      redirect: 'manual',
    });
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return unreachable(path, search, `The Easel GPU server at ${origin} is not answering (${cause}). Start it with \`npm start\`, or check EASEL_PORT.`);
  }
  const responseHeaders = new Headers(upstream.headers);
  for (const name of DROPPED_RESPONSE_HEADERS) responseHeaders.delete(name);
  // Tell any proxy in front of Next not to hold back server-sent events.
  if (responseHeaders.get('content-type')?.startsWith('text/event-stream')) responseHeaders.set('x-accel-buffering', 'no');
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
}
