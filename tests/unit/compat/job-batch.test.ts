// Waiting on one request's jobs: the first that does not finish ends the request, a client that leaves cancels.
import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { ImageJobsPort, JobEnd } from '../../../server/compat/compat-port.js';
import { awaitBatch, endError } from '../../../server/compat/job-batch.js';

/** A port whose jobs end when the test says so. */
function gatedPort() {
  const ends = new Map<string, (end: JobEnd) => void>();
  const cancelled: string[] = [];
  const port = {
    waitForEnd: (id: string, options?: { signal?: AbortSignal; onProgress?: (p: { step: number; totalSteps: number; etaMs: number | null }) => void }) =>
      new Promise<JobEnd>((resolve, reject) => {
        options?.onProgress?.({ step: 1, totalSteps: 2, etaMs: 5 });
        ends.set(id, resolve);
        options?.signal?.addEventListener('abort', () => reject(new EaselError('CANCELLED', 'client left')));
      }),
    cancel: async (id: string) => {
      cancelled.push(id);
    },
  } as unknown as ImageJobsPort;
  const end = async (id: string, value: JobEnd) => {
    await until(() => ends.has(id));
    ends.get(id)!(value);
  };
  return { port, end, cancelled, waitingOn: (id: string) => ends.has(id) };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('awaitBatch', () => {
  it('returns every end in order when all finish, reporting progress per job', async () => {
    const { port, end, cancelled } = gatedPort();
    const progress: string[] = [];
    const waiting = awaitBatch(port, ['a', 'b'], { onProgress: (id, p) => progress.push(`${id}:${p.step}`) });
    await end('a', { status: 'done', seed: 1 });
    await end('b', { status: 'done', seed: 2 });
    expect(await waiting).toEqual([{ status: 'done', seed: 1 }, { status: 'done', seed: 2 }]);
    expect(progress).toEqual(['a:1', 'b:1']);
    expect(cancelled).toEqual([]);
  });

  it('cancels the jobs after one that was cancelled, and reports them cancelled', async () => {
    const { port, end, cancelled } = gatedPort();
    const waiting = awaitBatch(port, ['a', 'b', 'c']);
    await end('a', { status: 'done', seed: 1 });
    await end('b', { status: 'cancelled', error: { code: 'CANCELLED', message: 'interrupted' } });
    const ends = await waiting;
    expect(ends.map((e) => e.status)).toEqual(['done', 'cancelled', 'cancelled']);
    expect(cancelled).toEqual(['c']);
  });

  it('cancels what is left when the client goes away', async () => {
    const { port, end, cancelled, waitingOn } = gatedPort();
    const gone = new AbortController();
    const waiting = awaitBatch(port, ['a', 'b', 'c'], { signal: gone.signal });
    await end('a', { status: 'done', seed: 1 });
    await until(() => waitingOn('b'));
    gone.abort();
    await expect(waiting).rejects.toThrow(/client left/);
    expect(cancelled).toEqual(['b', 'c']);
  });
});

describe('endError', () => {
  it("keeps an Easel code the job ended with, and falls back by how it ended", () => {
    expect(endError({ status: 'failed', error: { code: 'INSUFFICIENT_MEMORY', message: 'no room' } })).toMatchObject({ code: 'INSUFFICIENT_MEMORY', message: 'no room' });
    expect(endError({ status: 'failed', error: { code: 'SOMETHING_ELSE', message: 'x' } }).code).toBe('GENERATION_FAILED');
    expect(endError({ status: 'cancelled', error: { code: 'SOMETHING_ELSE', message: 'x' } }).code).toBe('CANCELLED');
  });
});
