// Who is calling a compatibility API: the role and owner id of the request context the tRPC procedures get,
// as the origin recorded on the jobs it starts. Every route needs at least the user role.
import type { Context } from '../api/context.js';
import { identify, type Identity } from '../api/identity.js';
import { EaselError } from '../core/errors.js';
import type { CompatActor, JobOrigin } from './compat-port.js';

/**
 * A1111 clients (SillyTavern, Open WebUI) only send HTTP Basic auth (`--api-auth user:password`), so for them
 * the password may carry the token; the user name is ignored.
 */
function basicIdentity(ctx: Context, authorization: string | undefined): Identity | null {
  const encoded = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  if (encoded === undefined) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : identify(ctx.services.security, decoded.slice(colon + 1));
}

export function originOf(ctx: Context, actor: CompatActor, authorization: string | undefined): JobOrigin {
  const identity: Identity = ctx.role === null && actor === 'a1111' ? (basicIdentity(ctx, authorization) ?? ctx) : ctx;
  if (identity.role === null) {
    const why = identity.problem === 'missing' ? 'This server needs a token' : 'The token was not accepted';
    const how = actor === 'a1111' ? 'Authorization: Bearer <token>, or HTTP Basic auth with the token as the password' : "Authorization: Bearer <token> (an OpenAI client's API key)";
    throw new EaselError('UNAUTHORIZED', `${why} (EASEL_USER_TOKEN or EASEL_ADMIN_TOKEN): send ${how}`);
  }
  return { actor, ownerRole: identity.role, ownerId: identity.ownerId, requestId: ctx.requestId };
}
