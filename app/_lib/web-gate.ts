// The web UI's request gate, the same as the GPU server's (server/http/request-gate.ts) with the web server's
// own address (EASEL_WEB_HOST): route handlers call it first, so a page on another site can't drive the GPU
// server through this proxy, and a rebound DNS name gets nothing.
import { checkRequest, parseList, type GatePolicy } from '../../server/http/request-gate';
import { refusalBody, type RefusalStatus } from '../../server/http/refusal-body';

function policy(env: NodeJS.ProcessEnv = process.env): GatePolicy {
  return {
    boundHost: env.EASEL_WEB_HOST ?? '127.0.0.1',
    allowedHosts: parseList(env.EASEL_ALLOWED_HOSTS),
    allowedOrigins: parseList(env.EASEL_ALLOWED_ORIGINS),
  };
}

/** A JSON refusal in tRPC's shape for /api/trpc paths, plain elsewhere. */
export function refusalResponse(request: Request, refusal: { status: RefusalStatus; easelCode: string; message: string }): Response {
  const { pathname, search } = new URL(request.url);
  return Response.json(refusalBody(pathname, search, refusal), { status: refusal.status });
}

/** The refusal to send for `request`, or null when it may go on. */
export function gateRequest(request: Request): Response | null {
  const headers = request.headers;
  const refusal = checkRequest(
    {
      method: request.method,
      host: headers.get('host') ?? undefined,
      origin: headers.get('origin') ?? undefined,
      secFetchSite: headers.get('sec-fetch-site') ?? undefined,
      contentType: headers.get('content-type') ?? undefined,
    },
    policy(),
  );
  return refusal ? refusalResponse(request, refusal) : null;
}
