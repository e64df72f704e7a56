// The one error type of Easel's core: a code literal a program can branch on, a message a person can act on.

export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PATH_OUTSIDE_ROOTS',
  'INVALID_MODEL',
  'ILLEGAL_TRANSITION',
  'MODEL_IN_USE',
  'NOT_LOADED',
  'BUSY',
  'CANCELLED',
  'SUPERSEDED',
  'LOAD_FAILED',
  'UNLOAD_FAILED',
  'RUNNER_CRASHED',
  'GENERATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INSUFFICIENT_MEMORY',
  'INSUFFICIENT_STORAGE',
  'INTERRUPTED',
  'INTERNAL',
] as const;

export type EaselErrorCode = (typeof ERROR_CODES)[number];

export class EaselError extends Error {
  readonly code: EaselErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: EaselErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EaselError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isEaselError(value: unknown, code?: EaselErrorCode): value is EaselError {
  return value instanceof EaselError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into an EaselError, keeping the original as the cause. */
export function toEaselError(value: unknown, fallback: EaselErrorCode = 'INTERNAL'): EaselError {
  if (value instanceof EaselError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new EaselError(fallback, message, { cause: value });
}
