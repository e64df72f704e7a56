import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import { MAX_PENDING_EVENTS, streamEvents } from '../../../server/api/event-stream.js';

/** A listener-based source with a current value, like the status of the models. */
function source() {
  const listeners = new Set<(value: number) => void>();
  let current = 0;
  return {
    subscribe(listener: (value: number) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value: number) {
      current = value;
      for (const listener of listeners) listener(value);
    },
    get current() {
      return current;
    },
    get listeners() {
      return listeners.size;
    },
  };
}

function stream(s: ReturnType<typeof source>, maxPending?: number) {
  return streamEvents<number>((listener) => s.subscribe(listener), { initial: () => [s.current], signal: undefined, ...(maxPending ? { maxPending } : {}) });
}

describe('streamEvents', () => {
  it('drops a subscriber that never reads once it falls more than the limit behind, with an error saying to reconnect', async () => {
    const s = source();
    const slow = stream(s);
    expect(await slow.next()).toEqual({ value: 0, done: false });
    for (let i = 1; i <= MAX_PENDING_EVENTS + 500; i++) s.emit(i);
    // Dropped at the first event past the limit: the source no longer holds it, and nothing more piles up.
    expect(s.listeners).toBe(0);
    const error = await slow.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).cause).toBeInstanceOf(EaselError);
    expect((error as TRPCError).cause).toMatchObject({ code: 'BUSY', message: expect.stringMatching(/fell more than 1000 events behind.*reconnect/) });

    const again = stream(s);
    expect(await again.next()).toEqual({ value: MAX_PENDING_EVENTS + 500, done: false });
    await again.return(undefined);
  });

  it('keeps a subscriber that stays within the limit and delivers every event in order', async () => {
    const s = source();
    const reader = stream(s, 3);
    await reader.next();
    [1, 2, 3].forEach((v) => s.emit(v));
    const seen = [(await reader.next()).value, (await reader.next()).value, (await reader.next()).value];
    expect(seen).toEqual([1, 2, 3]);
    s.emit(4);
    expect((await reader.next()).value).toBe(4);
    expect(s.listeners).toBe(1);
    await reader.return(undefined);
    expect(s.listeners).toBe(0);
  });

  it('ends a waiting subscriber with the error as soon as it is dropped', async () => {
    const s = source();
    const reader = stream(s, 2);
    await reader.next();
    const waiting = reader.next();
    // The emits run synchronously, before the waiting reader can take one off the buffer: the third overflows it.
    [1, 2, 3].forEach((v) => s.emit(v));
    await expect(waiting).rejects.toMatchObject({ cause: { code: 'BUSY' } });
    expect(s.listeners).toBe(0);
  });
});
