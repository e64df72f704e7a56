// Who is calling: the role a bearer token grants (EASEL_ADMIN_TOKEN → admin, EASEL_USER_TOKEN → user; no
// tokens configured → local, the single user of a loopback server) and a stable, non-secret id of the token
// that generations record as their owner.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'admin' | 'user' | 'local';

export interface Tokens {
  adminToken: string | null;
  userToken: string | null;
}

export type Identity =
  | { role: Role; ownerId: string }
  /** Tokens are configured and the request carries none (`missing`) or one that matches neither (`wrong`). */
  | { role: null; ownerId: null; problem: 'missing' | 'wrong' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The first 16 hex digits of the token's SHA-256: the same for every request with it, useless to guess it from. */
export function tokenId(token: string): string {
  return digest(token).toString('hex').slice(0, 16);
}

/** Equal-length digests, so the comparison takes the same time whatever the token's length or content. */
function sameToken(expected: string | null, given: Buffer): boolean {
  return expected !== null && timingSafeEqual(digest(expected), given);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

export function identify(tokens: Tokens, token: string | undefined): Identity {
  if (tokens.adminToken === null && tokens.userToken === null) return { role: 'local', ownerId: 'local' };
  if (token === undefined || token === '') return { role: null, ownerId: null, problem: 'missing' };
  const given = digest(token);
  // Both comparisons always run, so timing does not tell which token matched.
  const admin = sameToken(tokens.adminToken, given);
  const user = sameToken(tokens.userToken, given);
  if (admin) return { role: 'admin', ownerId: tokenId(token) };
  if (user) return { role: 'user', ownerId: tokenId(token) };
  return { role: null, ownerId: null, problem: 'wrong' };
}
