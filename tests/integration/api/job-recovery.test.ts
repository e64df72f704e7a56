// Jobs survive a crash of the server: the real server process is killed with SIGKILL while jobs run and wait, then
// started again on the same data folder. Every job ends or runs again (the running one twice at most), every
// progress stream ends with a final event, and cancel works on jobs recovered from the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../client/index.js';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

const DEMO = 'easel-demo';
const FINAL = new Set(['done', 'failed', 'cancelled']);
const POLL = { timeout: 60_000, interval: 100 };

/** Follows a job's progress stream to its final event; `onEvent` sees each event as it arrives. */
function follow(easel: EaselProcess, id: string, onEvent?: (event: JobEvent) => void): Promise<JobEvent[]> {
  return new Promise((resolve, reject) => {
    const events: JobEvent[] = [];
    const subscription = easel.client.generate.onProgress.subscribe(
      { id },
      {
        onData(event) {
          events.push(event);
          onEvent?.(event);
          if (FINAL.has(event.status)) {
            subscription.unsubscribe();
            resolve(events);
          }
        },
        onError: reject,
      },
    );
  });
}

/** Resolves once job `id` reports a step of its generation (it is mid-run, with many steps to go). */
function midRun(easel: EaselProcess, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = easel.client.generate.onProgress.subscribe(
      { id },
      {
        onData(event) {
          if (event.status === 'running' && event.step >= 1) {
            subscription.unsubscribe();
            resolve();
          } else if (FINAL.has(event.status)) {
            subscription.unsubscribe();
            reject(new Error(`job ${id} ended (${event.status}) before it could be interrupted`));
          }
        },
        onError: reject,
      },
    );
  });
}

describe('jobs across a crash of the server', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  /**
   * Holds job `id` in the middle of its run: once it has made a step, its runner is stopped (SIGSTOP), so the job
   * can't end before the crash however fast the machine is. Returns the stopped runners.
   */
  async function holdMidRun(id: string): Promise<number[]> {
    await midRun(easel, id);
    const runners = await childPids(easel.pid);
    for (const pid of runners) process.kill(pid, 'SIGSTOP');
    return runners;
  }

  /**
   * SIGKILLs the server, lets its held runners go on (they find their server gone and exit), waits for them, and
   * starts the server again on the same data folder.
   */
  async function crashAndRestart(held: number[]): Promise<void> {
    const runners = [...new Set([...held, ...(await childPids(easel.pid))])];
    await easel.kill();
    for (const pid of runners) if (processExists(pid)) process.kill(pid, 'SIGCONT');
    for (const pid of runners) await expect.poll(() => processExists(pid), POLL).toBe(false);
    easel = await startEaselServer({ dataDir });
  }

  it('ends or runs again every job after kill -9, ends every progress stream, and cancels a recovered job', async () => {
    await easel.client.models.load.mutate({ id: DEMO });
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push((await easel.client.generate.start.mutate({ prompt: `a red circle ${i}`, steps: 150, seed: 100 + i })).id);
    }
    const held = await holdMidRun(ids[0]!);
    const before = await Promise.all(ids.map((id) => easel.client.generate.get.query({ id })));
    expect(before.map((g) => g.status)).toEqual(['running', 'queued', 'queued', 'queued']);

    await crashAndRestart(held);

    const after = await Promise.all(ids.map((id) => easel.client.generate.get.query({ id })));
    for (const generation of after) expect(['queued', 'loading', 'running', 'done']).toContain(generation.status);
    const streams = ids.map((id) => follow(easel, id));
    const last = ids.at(-1)!;
    const cancel = await easel.client.generate.cancel.mutate({ id: last });
    expect(cancel).toMatchObject({ cancelled: true, generation: { status: 'cancelled' } });

    const ended = await Promise.all(streams);
    for (const events of ended) expect(FINAL.has(events.at(-1)!.status)).toBe(true);
    expect(ended.map((events) => events.at(-1)!.status)).toEqual(['done', 'done', 'done', 'cancelled']);
    const rows = await Promise.all(ids.map((id) => easel.client.generate.get.query({ id })));
    expect(rows.map((g) => g.status)).toEqual(['done', 'done', 'done', 'cancelled']);
    // The interrupted job ran a second time with the same seed.
    expect(rows[0]).toMatchObject({ attempts: 2, seed: 100, imageUrl: expect.stringContaining(ids[0]!) });
    expect(rows[1]).toMatchObject({ attempts: 1 });
    expect(await easel.client.generate.jobs.query()).toEqual([]);
    const image = await fetch(`${easel.url}${rows[0]!.imageUrl}`);
    expect(image.status).toBe(200);
  });

  it('fails a job with INTERRUPTED once it has been interrupted twice, ending its progress stream', async () => {
    await easel.client.models.load.mutate({ id: DEMO });
    const { id } = await easel.client.generate.start.mutate({ prompt: 'a blue square', steps: 150, seed: 7 });
    await crashAndRestart(await holdMidRun(id));
    expect(['queued', 'loading', 'running']).toContain((await easel.client.generate.get.query({ id })).status);
    const held = await holdMidRun(id);
    expect(await easel.client.generate.get.query({ id })).toMatchObject({ status: 'running', attempts: 2 });
    await crashAndRestart(held);

    const row = await easel.client.generate.get.query({ id });
    expect(row).toMatchObject({ status: 'failed', attempts: 2, errorCode: 'INTERRUPTED', error: expect.stringMatching(/interrupted by a server restart 2 times/) });
    const events = await follow(easel, id);
    expect(events).toHaveLength(1);
    // A late subscriber hears the code the job failed with, from its row.
    expect(events[0]).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED', message: expect.stringMatching(/interrupted/) } });
    const cancel = await easel.client.generate.cancel.mutate({ id });
    expect(cancel.cancelled).toBe(false);
    expect(easel.output()).toMatch(/jobs left by the last run reconciled/);
  });
});
