// Exit codes of the `easel` command, one per kind of failure, and how server errors map onto them.
import { TRPCClientError } from '@trpc/client';
import { easelCodeOf } from '../client/index.js';

export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  CANCELLED: 5,
  UNREACHABLE: 6,
  UNAUTHORIZED: 7,
  FAILED: 8,
  BUSY: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, for `easel --help`. */
export const EXIT_MEANINGS: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.OK, 'success'],
  [EXIT.UNEXPECTED, 'unexpected error (a bug, or an internal server error)'],
  [EXIT.USAGE, 'bad arguments or invalid input (INVALID_INPUT, PATH_OUTSIDE_ROOTS, INVALID_MODEL)'],
  [EXIT.NOT_FOUND, 'no such model, generation or image (NOT_FOUND)'],
  [EXIT.CONFLICT, 'not possible in the current state (ALREADY_EXISTS, MODEL_IN_USE, ILLEGAL_TRANSITION, NOT_LOADED, SUPERSEDED)'],
  [EXIT.CANCELLED, 'cancelled (Ctrl-C, `easel cancel`, or an unload)'],
  [EXIT.UNREACHABLE, 'the server cannot be reached, or the connection to it dropped'],
  [EXIT.UNAUTHORIZED, 'the token is missing or wrong (UNAUTHORIZED), or its role may not do this (FORBIDDEN)'],
  [EXIT.FAILED, 'a load, unload or generation failed (LOAD_FAILED, UNLOAD_FAILED, RUNNER_CRASHED, GENERATION_FAILED, INTERRUPTED, INSUFFICIENT_MEMORY)'],
  [EXIT.BUSY, 'the generation queue is full (BUSY), or the server\'s disk is (INSUFFICIENT_STORAGE)'],
];

const BY_EASEL_CODE: Readonly<Record<string, ExitCode>> = {
  INVALID_INPUT: EXIT.USAGE,
  PATH_OUTSIDE_ROOTS: EXIT.USAGE,
  INVALID_MODEL: EXIT.USAGE,
  NOT_FOUND: EXIT.NOT_FOUND,
  ALREADY_EXISTS: EXIT.CONFLICT,
  ILLEGAL_TRANSITION: EXIT.CONFLICT,
  MODEL_IN_USE: EXIT.CONFLICT,
  NOT_LOADED: EXIT.CONFLICT,
  SUPERSEDED: EXIT.CONFLICT,
  CANCELLED: EXIT.CANCELLED,
  UNAUTHORIZED: EXIT.UNAUTHORIZED,
  FORBIDDEN: EXIT.UNAUTHORIZED,
  INSUFFICIENT_MEMORY: EXIT.FAILED,
  INSUFFICIENT_STORAGE: EXIT.BUSY,
  LOAD_FAILED: EXIT.FAILED,
  UNLOAD_FAILED: EXIT.FAILED,
  RUNNER_CRASHED: EXIT.FAILED,
  GENERATION_FAILED: EXIT.FAILED,
  INTERRUPTED: EXIT.FAILED,
  BUSY: EXIT.BUSY,
};

/** A failure the CLI itself detects or rewords: a code for scripts, a message for people. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code of a failure the server reported by its Easel code (a pull's final event, say). */
export function exitCodeFor(easelCode: string): ExitCode {
  return BY_EASEL_CODE[easelCode] ?? EXIT.UNEXPECTED;
}

export function usageError(message: string): CliError {
  return new CliError('USAGE', message, EXIT.USAGE);
}

/** True when the request never got an HTTP answer (refused, reset, unknown host). */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof TRPCClientError) || error.data) return false;
  // A failed fetch (TypeError) for calls; an ErrorEvent carrying its message for subscriptions.
  const cause = error.cause as { message?: unknown } | undefined;
  return cause instanceof TypeError || /fetch failed|ECONNREFUSED|ENOTFOUND|ECONNRESET|other side closed/.test(String(cause?.message));
}

/** Any error thrown while running a command, as the CliError the user sees. */
export function toCliError(error: unknown, serverUrl: string): CliError {
  if (error instanceof CliError) return error;
  if (isConnectionFailure(error)) {
    return new CliError('UNREACHABLE', `Cannot reach the Easel server at ${serverUrl}; start it (npm start) or point --url / EASEL_URL at it`, EXIT.UNREACHABLE);
  }
  const code = easelCodeOf(error);
  if (code === 'UNAUTHORIZED') {
    return new CliError(code, 'This needs a token of the server (EASEL_ADMIN_TOKEN or EASEL_USER_TOKEN), which is missing or wrong: pass --token or set EASEL_TOKEN', EXIT.UNAUTHORIZED);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (code) return new CliError(code, message, BY_EASEL_CODE[code] ?? EXIT.UNEXPECTED);
  if (error instanceof TRPCClientError) {
    return new CliError('UNEXPECTED', `The server at ${serverUrl} gave an answer that is not Easel's (${message}); check --url`, EXIT.UNEXPECTED);
  }
  return new CliError('UNEXPECTED', message, EXIT.UNEXPECTED);
}
