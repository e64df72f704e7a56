// Routes /v1/* (OpenAI Images) and /sdapi/v1/* (AUTOMATIC1111) to their adapters, with the caller's origin, a
// signal for a client that goes away, and each API's own error shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHttpContext } from '../api/context.js';
import type { Services } from '../api/services.js';
import type { EaselError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { checkRequest, type GatePolicy } from '../http/request-gate.js';
import { originOf } from './compat-auth.js';
import { compatFailure, refusal } from './compat-errors.js';
import type { CompatActor, ImageJobsPort, JobOrigin } from './compat-port.js';
import { clientGone, sendJson } from './http-exchange.js';
import { createA1111Api } from './a1111.js';
import { createOpenAIImagesApi } from './openai-images.js';
import { createServicesPort } from './services-port.js';

/** One request to an adapter, the API prefix taken off its path. */
export interface CompatCall {
  req: IncomingMessage;
  method: string;
  route: string;
  url: URL;
  origin: JobOrigin;
  signal: AbortSignal;
}

export interface CompatReply {
  body: unknown;
}

export interface CompatApi {
  prefix: string;
  /** Whole paths outside the prefix it also answers (the route is then the whole path). */
  extraPaths?: readonly string[];
  actor: CompatActor;
  handle(call: CompatCall): Promise<CompatReply>;
  errorBody(status: number, error: EaselError): unknown;
}

export interface CompatOptions {
  logger: Logger;
  maxBodyBytes: number;
  gate: GatePolicy;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The request gate's Host and Origin rules, as for every request. Content types are judged where the body is
 * read (http-exchange.ts, multipart.ts): OpenAI's edits are multipart, and A1111 clients POST /interrupt bare.
 */
function gateRefusal(req: IncomingMessage, gate: GatePolicy): EaselError | null {
  const request = { method: req.method ?? 'GET', host: header(req, 'host'), origin: header(req, 'origin'), secFetchSite: header(req, 'sec-fetch-site') };
  const refused = checkRequest({ ...request, contentType: 'application/json' }, gate);
  return refused ? refusal(refused.status, refused.easelCode, refused.message) : null;
}

export function createCompatHandler(services: Services, options: CompatOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  const port: ImageJobsPort = createServicesPort(services);
  const apis: CompatApi[] = [createOpenAIImagesApi(port, options), createA1111Api(port, options)];
  const context = createHttpContext(services);

  async function serve(api: CompatApi, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const ctx = context({ req });
    try {
      const refused = gateRefusal(req, options.gate);
      if (refused) throw refused;
      const call: CompatCall = {
        req,
        method: req.method ?? 'GET',
        route: api.extraPaths?.includes(url.pathname) ? url.pathname : url.pathname.slice(api.prefix.length) || '/',
        url,
        origin: originOf(ctx, api.actor, header(req, 'authorization')),
        signal: clientGone(res),
      };
      const reply = await api.handle(call);
      sendJson(res, 200, reply.body);
    } catch (error) {
      const failure = compatFailure(error, ctx.requestId);
      if (failure.internal) options.logger.error('compatibility request failed', { path: url.pathname, requestId: ctx.requestId, error: String(error) });
      sendJson(res, failure.status, api.errorBody(failure.status, failure.error));
    }
  }

  return (req, res, url) => {
    const path = url.pathname;
    const api = apis.find((a) => path === a.prefix || path.startsWith(`${a.prefix}/`) || a.extraPaths?.includes(path));
    if (!api) return false;
    serve(api, req, res, url).catch((error: unknown) => {
      options.logger.error('compatibility reply failed', { path: url.pathname, error: String(error) });
      res.destroy();
    });
    return true;
  };
}
