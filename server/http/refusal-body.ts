// A refusal made outside tRPC (the request gate, a body too large for the web proxy) in tRPC's wire shape, so
// clients read `error.data.easelCode` and the message as they do for any procedure's error. Import-free, shared
// with the Next route handlers.

const TRPC_CODES = {
  400: { code: 'BAD_REQUEST', jsonRpc: -32600 },
  403: { code: 'FORBIDDEN', jsonRpc: -32003 },
  413: { code: 'PAYLOAD_TOO_LARGE', jsonRpc: -32013 },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', jsonRpc: -32015 },
} as const;

export type RefusalStatus = keyof typeof TRPC_CODES;

/**
 * The body for `pathname` (+ `search`): one superjson-wrapped error per call of a tRPC batch, one for a single
 * call; elsewhere (images, health) a plain `{ error: { code, message, easelCode } }`.
 */
export function refusalBody(pathname: string, search: string, refusal: { status: RefusalStatus; easelCode: string; message: string }): unknown {
  const { code, jsonRpc } = TRPC_CODES[refusal.status];
  if (!/\/trpc\//.test(pathname)) return { error: { code, message: refusal.message, easelCode: refusal.easelCode } };
  const error = { json: { message: refusal.message, code: jsonRpc, data: { code, httpStatus: refusal.status, easelCode: refusal.easelCode } } };
  if (new URLSearchParams(search).get('batch') !== '1') return { error };
  const calls = pathname.slice(pathname.lastIndexOf('/') + 1).split(',').length;
  return Array.from({ length: calls }, () => ({ error }));
}
