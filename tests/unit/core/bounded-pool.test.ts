import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedPool } from '../../../server/core/bounded-pool.js';
import { EaselError } from '../../../server/core/errors.js';

/** A task held open until the test lets it go; it also ends when its signal aborts. */
function gatedTask() {
  let release!: (value: string) => void;
  let started = false;
  let seenSignal: AbortSignal | undefined;
  const task = (signal: AbortSignal) => {
    started = true;
    seenSignal = signal;
    return new Promise<string>((resolve, reject) => {
      release = resolve;
      signal.addEventListener('abort', () => reject(new EaselError('CANCELLED', 'stopped by its signal')), { once: true });
    });
  };
  return { task, release: (value = 'ok') => release(value), started: () => started, signal: () => seenSignal };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function pool(overrides: Partial<ConstructorParameters<typeof BoundedPool>[0]> = {}) {
  return new BoundedPool({ concurrency: 2, maxQueued: 3, timeoutMs: 60_000, name: 'model inspection', timeoutCode: 'INVALID_MODEL', ...overrides });
}

describe('BoundedPool', () => {
  afterEach(() => vi.useRealTimers());

  it('runs at most `concurrency` tasks and starts the waiting ones in order as slots free up', async () => {
    const p = pool();
    const tasks = [gatedTask(), gatedTask(), gatedTask(), gatedTask()];
    const results = tasks.map((t, i) => p.run(`folder ${i}`, t.task));
    await flush();
    expect(tasks.map((t) => t.started())).toEqual([true, true, false, false]);
    expect([p.active, p.queued]).toEqual([2, 2]);
    tasks[1]!.release('second');
    await flush();
    expect(tasks.map((t) => t.started())).toEqual([true, true, true, false]);
    tasks[0]!.release('first');
    tasks[2]!.release('third');
    await flush();
    tasks[3]!.release('fourth');
    expect(await Promise.all(results)).toEqual(['first', 'second', 'third', 'fourth']);
    expect([p.active, p.queued]).toEqual([0, 0]);
  });

  it('answers BUSY at once when the queue is full', async () => {
    const p = pool({ concurrency: 1, maxQueued: 1 });
    const held = [gatedTask(), gatedTask()];
    const running = held.map((t, i) => p.run(`folder ${i}`, t.task));
    await expect(p.run('folder 2', gatedTask().task)).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining('folder 2') });
    held[0]!.release();
    await flush();
    held[1]!.release();
    await Promise.all(running);
  });

  it('aborts a task past its timeout, holds its slot until it has ended, and names the timeout', async () => {
    vi.useFakeTimers();
    const p = pool({ concurrency: 1, timeoutMs: 1000 });
    let finishAfterAbort!: () => void;
    const slow = (signal: AbortSignal) =>
      new Promise<string>((_, reject) => {
        // Like a runner being killed: it ends some time after the abort, not at once.
        signal.addEventListener('abort', () => (finishAfterAbort = () => reject(new EaselError('CANCELLED', 'killed'))), { once: true });
      });
    const first = p.run('/models/hanging', slow);
    const next = gatedTask();
    const second = p.run('/models/next', next.task);
    const firstError = first.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    expect(next.started()).toBe(false);
    finishAfterAbort();
    const error = await firstError;
    expect(error).toMatchObject({ code: 'INVALID_MODEL', message: 'The model inspection of /models/hanging took longer than 1 s and was stopped' });
    await vi.advanceTimersByTimeAsync(0);
    expect(next.started()).toBe(true);
    next.release();
    await second;
  });

  it('drops a waiting task whose caller gives up, without running it', async () => {
    const p = pool({ concurrency: 1 });
    const running = gatedTask();
    const first = p.run('a', running.task);
    const waiting = gatedTask();
    const caller = new AbortController();
    const second = p.run('b', waiting.task, caller.signal);
    caller.abort();
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(p.queued).toBe(0);
    running.release();
    await first;
    expect(waiting.started()).toBe(false);
  });

  it('passes the caller giving up on to a running task', async () => {
    const p = pool();
    const task = gatedTask();
    const caller = new AbortController();
    const result = p.run('a', task.task, caller.signal);
    await flush();
    caller.abort();
    await expect(result).rejects.toMatchObject({ code: 'CANCELLED', message: 'stopped by its signal' });
    expect(task.signal()?.aborted).toBe(true);
    expect(p.active).toBe(0);
  });
});
