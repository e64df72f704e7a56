// POST /api/auth/sign-out: forgets the token this browser signed in with.
import { sessionCookie } from '../../../_lib/session-cookie';
import { gateRequest } from '../../../_lib/web-gate';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Response {
  const refused = gateRequest(request);
  if (refused) return refused;
  return Response.json({ signedOut: true }, { headers: { 'set-cookie': sessionCookie(request, null) } });
}
