// Turns whatever a call failed with into one sentence a person can act on.
import { TRPCClientError } from '@trpc/client';

/** The Easel error code of a failed call (INVALID_MODEL, UNAUTHORIZED, …), when the server sent one. */
export function easelCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { easelCode?: string } | null | undefined;
  return data?.easelCode;
}

export function readableError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (easelCode(error) === undefined && /fetch|network/i.test(error.message)) {
      return 'The web server is not answering; check that `npm start` is still running and reload the page.';
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
