import { describe, expect, it } from 'vitest';
import { CommandQueue } from '../../../server/core/command-queue.js';
import { isEaselError } from '../../../server/core/errors.js';
import { settle } from '../../helpers/scenario.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('CommandQueue', () => {
  it('runs commands one at a time in arrival order, even when earlier ones are slower', async () => {
    const queue = new CommandQueue();
    const events: string[] = [];
    const first = gate();
    const a = queue.run(async () => {
      events.push('a starts');
      await first.opened;
      events.push('a ends');
      return 'a';
    });
    const b = queue.run(() => {
      events.push('b runs');
      return 'b';
    });
    await settle();
    expect(events).toEqual(['a starts']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(events).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('carries on with the next command when one throws or rejects, handing each caller its own outcome', async () => {
    const queue = new CommandQueue();
    const order: string[] = [];
    const results = await Promise.allSettled([
      queue.run(() => {
        order.push('throws');
        throw new Error('sync failure');
      }),
      queue.run(async () => {
        order.push('rejects');
        throw new Error('async failure');
      }),
      queue.run(() => {
        order.push('succeeds');
        return 42;
      }),
    ]);
    expect(order).toEqual(['throws', 'rejects', 'succeeds']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'sync failure',
      'async failure',
      42,
    ]);
  });

  it('refuses a command beyond its limit with BUSY at once, without running it', async () => {
    const queue = new CommandQueue(2);
    const blocker = gate();
    let refusedRan = false;
    const held = [queue.run(() => blocker.opened), queue.run(() => 'second')];
    expect(queue.size).toBe(2);
    const refused = await queue
      .run(() => {
        refusedRan = true;
      })
      .catch((error: unknown) => error);
    expect(isEaselError(refused, 'BUSY')).toBe(true);
    expect((refused as Error).message).toContain('2 lifecycle commands waiting');
    blocker.open();
    await Promise.all(held);
    await settle();
    expect(refusedRan).toBe(false);
  });

  it('accepts commands again once the waiting ones have run', async () => {
    const queue = new CommandQueue(1);
    await queue.run(() => 'one');
    await settle();
    expect(queue.size).toBe(0);
    await expect(queue.run(() => 'two')).resolves.toBe('two');
  });

  it('returns a wrapped promise as is, so the queue is not held by the work it stands for', async () => {
    const queue = new CommandQueue();
    const later = gate();
    const { done } = await queue.run(() => ({ done: later.opened.then(() => 'finished') }));
    await expect(queue.run(() => 'next')).resolves.toBe('next');
    later.open();
    await expect(done).resolves.toBe('finished');
  });
});
