// The one place where core error codes become tRPC (and so HTTP) error codes.
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { ZodError } from 'zod';
import { EaselError, type EaselErrorCode } from '../core/errors.js';

const TRPC_CODES: Record<EaselErrorCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  PATH_OUTSIDE_ROOTS: 'FORBIDDEN',
  INVALID_MODEL: 'UNPROCESSABLE_CONTENT',
  ILLEGAL_TRANSITION: 'CONFLICT',
  MODEL_IN_USE: 'CONFLICT',
  NOT_LOADED: 'PRECONDITION_FAILED',
  BUSY: 'TOO_MANY_REQUESTS',
  CANCELLED: 'CLIENT_CLOSED_REQUEST',
  SUPERSEDED: 'CONFLICT',
  LOAD_FAILED: 'UNPROCESSABLE_CONTENT',
  UNLOAD_FAILED: 'INTERNAL_SERVER_ERROR',
  RUNNER_CRASHED: 'INTERNAL_SERVER_ERROR',
  GENERATION_FAILED: 'INTERNAL_SERVER_ERROR',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  INSUFFICIENT_MEMORY: 'SERVICE_UNAVAILABLE',
  // tRPC has no 507; the HTTP layer answers 507 for this code (see server/http).
  INSUFFICIENT_STORAGE: 'INTERNAL_SERVER_ERROR',
  INTERRUPTED: 'INTERNAL_SERVER_ERROR',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

export function toTRPCError(error: EaselError): TRPCError {
  return new TRPCError({ code: TRPC_CODES[error.code], message: error.message, cause: error });
}

/** tRPC's own refusals of a malformed request (a GET to a mutation, a body too large…): the caller's to fix. */
const CLIENT_MISTAKES = new Set<TRPC_ERROR_CODE_KEY>(['PARSE_ERROR', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'METHOD_NOT_SUPPORTED', 'UNSUPPORTED_MEDIA_TYPE']);

/** The Easel code a client sees in `error.data.easelCode`, for any error tRPC reports. */
export function easelCodeOf(error: TRPCError): EaselErrorCode {
  const cause = error.cause;
  if (cause instanceof EaselError) return cause.code;
  if (cause instanceof ZodError || CLIENT_MISTAKES.has(error.code)) return 'INVALID_INPUT';
  if (error.code === 'NOT_FOUND') return 'NOT_FOUND';
  if (error.code === 'UNAUTHORIZED') return 'UNAUTHORIZED';
  if (error.code === 'FORBIDDEN') return 'FORBIDDEN';
  return 'INTERNAL';
}

/** A message a person can act on: zod issues become "field: problem" instead of a JSON dump. */
export function readableMessage(error: TRPCError): string {
  const cause = error.cause;
  if (cause instanceof ZodError) {
    return `Invalid input: ${cause.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')}`;
  }
  if (error.code === 'PARSE_ERROR' || cause instanceof SyntaxError) return `The request body is not valid JSON (${error.message})`;
  return error.message;
}
