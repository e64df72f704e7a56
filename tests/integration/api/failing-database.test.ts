// A database that stops taking writes under the running server: its file sits on a small tmpfs that is filled to
// the last byte mid-run (CI runs as root), so every write fails while reads go on. Transitions someone asks for
// are refused loudly and change nothing, /healthz says the server is degraded and why, a job still ends for its
// subscribers, and once the database takes writes again the server goes back to normal.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf, followGeneration, type JobEvent } from '../../../client/index.js';
import { childPids, makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';
import { mountSmallTmpfs, type SmallTmpfs } from '../../helpers/small-tmpfs.js';

const POLL = { timeout: 60_000, interval: 100 };

async function health(easel: EaselProcess): Promise<{ ok: boolean; degraded?: string; models: Array<{ modelId: string; state: string }> }> {
  return (await fetch(`${easel.url}/healthz`)).json();
}

describe('a database that fails under the server', () => {
  let disk: SmallTmpfs;
  let dataDir: string;
  let easel: EaselProcess;

  /** Frees the disk again: the fillers go. */
  const free = async () => {
    for (const name of await readdir(disk.path)) if (name.startsWith('filler-')) await rm(join(disk.path, name));
  };

  beforeAll(async () => {
    disk = await mountSmallTmpfs(32);
    dataDir = await makeDataDir('easel-failing-db-');
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0', DATABASE_URL: `file:${join(disk.path, 'easel.db')}` } });
    await writeTinyModel(join(easel.modelsDir, 'tiny'));
    await easel.client.models.register.mutate({ path: 'tiny' });
    await easel.client.models.load.mutate({ id: 'tiny' });
  }, 120_000);

  afterAll(async () => {
    await free().catch(() => undefined);
    await easel?.stop();
    await disk?.unmount();
    await removeDataDir(dataDir);
  });

  it('refuses a requested transition, reports degraded, still ends a job for its subscriber, and recovers', async () => {
    const { id } = await easel.client.generate.start.mutate({ prompt: 'the cat', steps: 60, width: 64, height: 64, seed: 5 });
    const events: JobEvent[] = [];
    const followed = (async () => {
      for await (const event of followGeneration(easel.client, id)) events.push(event);
    })();
    // Held mid-run: the runner is stopped while the database's disk fills up, then let go.
    await expect.poll(() => events.some((e) => e.status === 'running' && e.step >= 1), POLL).toBe(true);
    const runners = await childPids(easel.pid);
    for (const pid of runners) process.kill(pid, 'SIGSTOP');
    await disk.fill();
    for (const pid of runners) process.kill(pid, 'SIGCONT');

    await followed;
    expect(events.at(-1)).toMatchObject({ status: 'done' });

    const refused = await easel.client.models.unload.mutate({ id: 'tiny' }).catch((error: unknown) => error);
    expect(easelCodeOf(refused)).toBe('INTERNAL');
    expect((await easel.client.models.status.query()).models).toEqual([expect.objectContaining({ modelId: 'tiny', state: 'LOADED' })]);
    const degraded = await health(easel);
    expect(degraded.ok).toBe(false);
    expect(degraded.degraded).toMatch(/audit log could not be written/);
    expect(easel.output()).toMatch(/audit log append failed; the transition is refused/);

    await free();
    await easel.client.models.unload.mutate({ id: 'tiny' });
    expect((await easel.client.models.status.query()).models).toEqual([]);
    expect(await health(easel)).toMatchObject({ ok: true, models: [] });
    const history = await easel.client.history.transitions.query({ modelId: 'tiny', limit: 3 });
    expect(history.items.map((row) => row.reason)).toEqual(['UNLOAD_COMPLETED', 'UNLOAD_REQUESTED', 'LOAD_COMPLETED']);
  });
});
