// Request context in two layers: createContextInner (no HTTP, used by tests and in-process callers) and the
// HTTP layer that reads the actor, request id and admin token from headers.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../core/ports.js';
import { ACTORS } from '../core/ports.js';
import type { Services } from './services.js';

export interface Context {
  services: Services;
  actor: Actor;
  requestId: string;
  isAdmin: boolean;
}

function tokenMatches(expected: string | null, given: string | undefined): boolean {
  if (expected === null) return true;
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createContextInner(services: Services, options: { actor?: Actor; requestId?: string; token?: string } = {}): Context {
  return {
    services,
    actor: options.actor ?? 'script',
    requestId: options.requestId ?? randomUUID(),
    isAdmin: tokenMatches(services.adminToken, options.token),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Headers: `x-easel-actor` (ui | script; anything else counts as script), `x-request-id` (kept when sane),
 * `authorization: Bearer <token>`. EventSource can't send headers, so subscriptions may pass `?token=`.
 */
export function createHttpContext(services: Services) {
  return ({ req }: { req: IncomingMessage }): Context => {
    const actorHeader = header(req, 'x-easel-actor');
    const actor = ACTORS.includes(actorHeader as Actor) && actorHeader !== 'system' ? (actorHeader as Actor) : 'script';
    const requestIdHeader = header(req, 'x-request-id');
    const requestId = requestIdHeader && /^[\w.:-]{1,128}$/.test(requestIdHeader) ? requestIdHeader : undefined;
    const bearer = header(req, 'authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    const queryToken = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
    return createContextInner(services, { actor, requestId, token: bearer ?? queryToken });
  };
}
