// Bridges listener-based sources to the async generators tRPC subscriptions are made of: subscribe first,
// then yield the current state, then every change, so nothing is missed in between. A subscriber that falls
// too far behind is dropped with an error saying to reconnect, instead of buffering without limit.
import { EaselError } from '../core/errors.js';
import { toTRPCError } from './error-map.js';

/** Events a subscriber may fall behind before it is dropped; a reconnect starts again from the current state. */
export const MAX_PENDING_EVENTS = 1000;

export interface StreamOptions<T> {
  /** Values to send first, read after the listener is in place (the current snapshot). */
  initial: () => T[] | Promise<T[]>;
  /** Ends the stream after a value for which this is true (a job's final event). */
  isLast?: (value: T) => boolean;
  signal: AbortSignal | undefined;
  /** Defaults to MAX_PENDING_EVENTS. */
  maxPending?: number;
}

export async function* streamEvents<T>(subscribe: (listener: (value: T) => void) => () => void, options: StreamOptions<T>): AsyncGenerator<T> {
  const { initial, isLast = () => false, signal, maxPending = MAX_PENDING_EVENTS } = options;
  const pending: T[] = [];
  let overflowed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = subscribe((value) => {
    if (overflowed) return;
    if (pending.length >= maxPending) {
      overflowed = true;
      pending.length = 0;
      unsubscribe();
    } else {
      pending.push(value);
    }
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    for (const value of await initial()) {
      yield value;
      if (isLast(value)) return;
    }
    while (!signal?.aborted) {
      if (overflowed) {
        const message = `This subscription fell more than ${maxPending} events behind and was dropped; reconnect to get the current state`;
        throw toTRPCError(new EaselError('BUSY', message));
      }
      const value = pending.shift();
      if (value === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      yield value;
      if (isLast(value)) return;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
