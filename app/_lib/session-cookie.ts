// The sign-in of the web UI: the token itself, in an HttpOnly, SameSite=Strict cookie (Secure behind HTTPS), so
// page scripts never see it and other sites never send it. The web tier stays stateless: the GPU server checks
// the token on every call the proxy forwards.

const SESSION_COOKIE = 'easel_session';
/** Thirty days; signing out, or changing the server's tokens, ends it sooner. */
const MAX_AGE_S = 30 * 24 * 3600;

/** The token saved at sign-in, from the request's cookies. */
export function sessionToken(request: Request): string | undefined {
  const cookies = request.headers.get('cookie') ?? '';
  for (const pair of cookies.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Behind a TLS-terminating proxy the request reaches Next as http; the proxy says https. */
function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function sessionCookie(request: Request, token: string | null): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', token === null ? 'Max-Age=0' : `Max-Age=${MAX_AGE_S}`];
  if (isHttps(request)) attributes.push('Secure');
  return [`${SESSION_COOKIE}=${token === null ? '' : encodeURIComponent(token)}`, ...attributes].join('; ');
}
