// Request context in two layers: createContextInner (no HTTP, used by tests and in-process callers) and the
// HTTP layer that reads the actor, request id and bearer token from headers. Built once per request: the role
// and owner id every procedure's role gate and ownership checks read.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../core/ports.js';
import { ACTORS } from '../core/ports.js';
import type { Services } from './services.js';
import { bearerToken, identify, type Identity } from './identity.js';

export type Context = {
  services: Services;
  actor: Actor;
  requestId: string;
  /** The caller's bearer token, passed on when a call is forwarded to another node (models.load { node }). */
  token: string | undefined;
} & Identity;

export function createContextInner(services: Services, options: { actor?: Actor; requestId?: string; token?: string } = {}): Context {
  return {
    services,
    actor: options.actor ?? 'script',
    requestId: options.requestId ?? randomUUID(),
    token: options.token,
    ...identify(services.security, options.token),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `x-request-id` when it is sane (it goes into logs and messages), else none. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const value = header(req, 'x-request-id');
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}

/**
 * Headers: `x-easel-actor` (ui | script; anything else counts as script), `x-request-id` (kept when sane),
 * `authorization: Bearer <token>`. Tokens are never read from the URL, where logs and histories keep them; the
 * web UI's proxy adds the header to event streams for the browser.
 */
export function createHttpContext(services: Services) {
  return ({ req }: { req: IncomingMessage }): Context => {
    const actorHeader = header(req, 'x-easel-actor');
    const actor = ACTORS.includes(actorHeader as Actor) && actorHeader !== 'system' ? (actorHeader as Actor) : 'script';
    return createContextInner(services, { actor, requestId: requestIdOf(req), token: bearerToken(header(req, 'authorization')) });
  };
}
