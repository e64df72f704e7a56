// Server side of the web tier: where the GPU server listens, and a streaming pass-through of one request to
// it (tRPC calls, server-sent events, images), so the browser needs only this origin.

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

/** Sends `request` to the GPU server at `path` (plus the request's query string) and streams the answer back. */
export async function forward(request: Request, path: string): Promise<Response> {
  const { search } = new URL(request.url);
  const origin = gpuServerOrigin();
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(`${origin}${path}${search}`, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
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
