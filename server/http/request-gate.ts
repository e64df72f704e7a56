// The request gate both servers put in front of everything (the GPU server and the web UI's route handlers):
// the Host must name this machine (against DNS rebinding), a browser's Origin must be this server's own or an
// allowed one, and state-changing requests must be JSON (a cross-site form can't send that without a preflight).
// Pure and import-free so the Next route handlers can share it.

export interface GatePolicy {
  /** The address the server listens on (EASEL_HOST / EASEL_WEB_HOST); a wildcard adds nothing. */
  boundHost: string;
  /** EASEL_ALLOWED_HOSTS: host names, or host:port pairs, that may appear in the Host header. */
  allowedHosts: readonly string[];
  /** EASEL_ALLOWED_ORIGINS: origins (scheme://host[:port]) whose pages may call this server. */
  allowedOrigins: readonly string[];
}

export interface GateRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  contentType: string | undefined;
}

export interface Refusal {
  status: 400 | 403 | 415;
  easelCode: 'FORBIDDEN' | 'INVALID_INPUT';
  message: string;
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i;
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** localhost (and its subdomains), 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const name = unbracket(hostname.toLowerCase()).replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const v4 = name.replace(/^::ffff:/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The comma-separated lists of EASEL_ALLOWED_HOSTS / EASEL_ALLOWED_ORIGINS, trimmed and lower-cased. */
export function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase().replace(/\/$/, ''))
    .filter((item) => item.length > 0);
}

function refuse(message: string): Refusal {
  return { status: 403, easelCode: 'FORBIDDEN', message };
}

function checkHost(host: string | undefined, policy: GatePolicy): Refusal | null {
  if (host === undefined || host === '') return { status: 400, easelCode: 'INVALID_INPUT', message: 'The request has no Host header' };
  const match = HOST_HEADER.exec(host);
  const port = match?.[2] === undefined ? 0 : Number(match[2]);
  if (!match || port > 65535 || (match[2] !== undefined && port === 0)) {
    return { status: 400, easelCode: 'INVALID_INPUT', message: `The Host header "${host.slice(0, 100)}" is not a valid host[:port]` };
  }
  const hostname = match[1]!.toLowerCase();
  const bound = policy.boundHost.toLowerCase();
  const allowed =
    isLoopbackHost(hostname) ||
    (!WILDCARD_HOSTS.has(bound) && unbracket(hostname) === unbracket(bound)) ||
    policy.allowedHosts.includes(hostname) ||
    policy.allowedHosts.includes(host.toLowerCase());
  if (allowed) return null;
  return refuse(
    `Requests for host "${hostname}" are refused (only loopback names and the address Easel listens on are accepted, against DNS rebinding); to reach Easel under that name, add it to EASEL_ALLOWED_HOSTS`,
  );
}

function normalOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin.toLowerCase();
  } catch {
    return null;
  }
}

function checkOrigin(request: GateRequest, policy: GatePolicy): Refusal | null {
  const origin = request.origin === undefined ? undefined : normalOrigin(request.origin);
  const listed = origin !== undefined && origin !== null && policy.allowedOrigins.includes(origin);
  if (listed) return null;
  const advice = 'to let a web page at another origin call Easel, add its origin to EASEL_ALLOWED_ORIGINS';
  if (request.origin !== undefined) {
    // Same origin: the page was served by this very host:port (the Host header has passed its own check).
    const ownHost = origin ? new URL(origin).host === request.host!.toLowerCase() : false;
    if (!ownHost) return refuse(`Requests from the origin "${request.origin.slice(0, 200)}" are refused; ${advice}`);
  }
  if (request.secFetchSite?.toLowerCase() === 'cross-site') return refuse(`Cross-site requests are refused; ${advice}`);
  return null;
}

function checkContentType(request: GateRequest): Refusal | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return null;
  return {
    status: 415,
    easelCode: 'INVALID_INPUT',
    message: `State-changing requests must be POSTs with Content-Type: application/json (got ${mediaType ? `"${mediaType.slice(0, 100)}"` : 'none'}); form encodings are refused`,
  };
}

/** Null when the request may go on; otherwise the refusal to answer with. */
export function checkRequest(request: GateRequest, policy: GatePolicy): Refusal | null {
  return checkHost(request.host, policy) ?? checkOrigin(request, policy) ?? checkContentType(request);
}
