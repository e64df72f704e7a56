// POST /api/auth/sign-in { token }: checks the token with the GPU server (auth.whoami) and keeps it in the
// session cookie when it grants a role.
import { gpuServerOrigin } from '../../../_lib/gpu-server';
import { sessionCookie } from '../../../_lib/session-cookie';
import { gateRequest } from '../../../_lib/web-gate';

export const dynamic = 'force-dynamic';

type Whoami = { role: 'admin' | 'user' | 'local' | null };

function failure(status: number, message: string): Response {
  return Response.json({ error: { message } }, { status });
}

async function roleOf(token: string): Promise<Whoami['role']> {
  const response = await fetch(`${gpuServerOrigin()}/trpc/auth.whoami`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  const body = (await response.json()) as { result?: { data?: { json?: Whoami } } };
  return body.result?.data?.json?.role ?? null;
}

export async function POST(request: Request): Promise<Response> {
  const refused = gateRequest(request);
  if (refused) return refused;
  const body = (await request.json().catch(() => null)) as { token?: unknown } | null;
  const token = typeof body?.token === 'string' ? body.token.trim() : '';
  if (token === '' || token.length > 4096 || /\s/.test(token)) return failure(400, 'Enter the token the GPU server was started with (EASEL_ADMIN_TOKEN or EASEL_USER_TOKEN)');
  let role: Whoami['role'];
  try {
    role = await roleOf(token);
  } catch (error) {
    return failure(502, `The Easel GPU server at ${gpuServerOrigin()} is not answering (${error instanceof Error ? error.message : String(error)})`);
  }
  if (role === null) return failure(401, 'That token is neither EASEL_ADMIN_TOKEN nor EASEL_USER_TOKEN of the GPU server');
  const headers = new Headers();
  if (role !== 'local') headers.append('set-cookie', sessionCookie(request, token));
  return Response.json({ role }, { headers });
}
