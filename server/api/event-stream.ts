// Bridges listener-based sources to the async generators tRPC subscriptions are made of: subscribe first,
// then yield the current state, then every change, so nothing is missed in between.

export interface StreamOptions<T> {
  /** Values to send first, read after the listener is in place (the current snapshot). */
  initial: () => T[] | Promise<T[]>;
  /** Ends the stream after a value for which this is true (a job's final event). */
  isLast?: (value: T) => boolean;
  signal: AbortSignal | undefined;
}

export async function* streamEvents<T>(subscribe: (listener: (value: T) => void) => () => void, options: StreamOptions<T>): AsyncGenerator<T> {
  const { initial, isLast = () => false, signal } = options;
  const pending: T[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = subscribe((value) => {
    pending.push(value);
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
