// Waiting on a promise that an AbortSignal may cut short: the wait rejects CANCELLED with the signal's reason at
// once, while the work itself goes on for whoever else waits on it.
import { EaselError } from './errors.js';

/** The signal's reason as a sentence (an EaselError's message, say), or a generic one. */
export function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : 'Cancelled while waiting for the model to load';
}

export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new EaselError('CANCELLED', reasonOf(signal)));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
