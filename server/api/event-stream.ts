// Turns a listener-based source into an async iterable for tRPC subscriptions: subscribes first, then yields
// the current snapshot, then every change, until the client goes away.
export async function* subscribeWithSnapshot<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  snapshot: () => T,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  const pending: T[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = subscribe((value) => {
    pending.push(value);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    yield snapshot();
    while (!signal?.aborted) {
      if (pending.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      yield pending.shift()!;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
