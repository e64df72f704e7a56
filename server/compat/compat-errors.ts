// Errors of the compatibility APIs: the HTTP status Easel's error map gives a code, and the body each API's
// clients expect (OpenAI's `{ error: { message, type, param, code } }`, A1111's FastAPI-style detail).
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { toTRPCError } from '../api/error-map.js';
import { EaselError, toEaselError } from '../core/errors.js';

/** An input refusal that names the request field it is about, as OpenAI's `param` does. */
export function invalidParam(param: string, message: string): EaselError {
  return new EaselError('INVALID_INPUT', message, { details: { param } });
}

/** A refusal with an HTTP status of its own (the request gate's 403/400, a wrong content type's 415). */
export function refusal(status: number, code: 'FORBIDDEN' | 'INVALID_INPUT', message: string): EaselError {
  return new EaselError(code, message, { details: { httpStatus: status } });
}

function statusOf(error: EaselError): number {
  if (typeof error.details?.httpStatus === 'number') return error.details.httpStatus;
  // tRPC has no 507, so the one code it can't carry is answered here.
  return error.code === 'INSUFFICIENT_STORAGE' ? 507 : getHTTPStatusCodeFromError(toTRPCError(error));
}

/** The error as the adapters report it: anything not an EaselError is INTERNAL, its message kept for the log only. */
export function compatFailure(error: unknown, requestId: string): { status: number; error: EaselError; internal: boolean } {
  const easel = toEaselError(error);
  const internal = !(error instanceof EaselError) || easel.code === 'INTERNAL';
  const shown = internal ? new EaselError('INTERNAL', `Internal error; the server log has the details (request id ${requestId})`) : easel;
  return { status: statusOf(shown), error: shown, internal };
}

function openAIType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export function openAIErrorBody(status: number, error: EaselError): OpenAIErrorBody {
  const param = typeof error.details?.param === 'string' ? error.details.param : null;
  const code = error.code === 'NOT_FOUND' && param === 'model' ? 'model_not_found' : error.code.toLowerCase();
  return { error: { message: error.message, type: openAIType(status), param, code } };
}

/** What A1111's API answers for an exception: its class, the detail, and the two fields it leaves empty. */
export function a1111ErrorBody(error: EaselError): { error: string; detail: string; body: string; errors: string } {
  return { error: error.code, detail: error.message, body: '', errors: '' };
}
