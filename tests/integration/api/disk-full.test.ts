// A full disk under the real server: the data folder on a small tmpfs (CI runs as root). New jobs are refused
// with 507 saying what is full, an image that can't be written is never served half-written, and the server
// keeps serving. The database sits outside the tmpfs here, so the failed job's end can be recorded; a database
// that can't write is another test's subject.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followGeneration, type JobEvent } from '../../../client/index.js';
import { childPids, makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';
import { mountSmallTmpfs, type SmallTmpfs } from '../../helpers/small-tmpfs.js';

const JOB = { prompt: 'the cat', steps: 2, width: 64, height: 64, seed: 7 };

async function finalEvent(easel: EaselProcess, id: string): Promise<JobEvent> {
  let last: JobEvent | undefined;
  for await (const event of followGeneration(easel.client, id)) last = event;
  return last!;
}

/** generate.start over plain HTTP, to see the status code a script or proxy sees. */
function startOverHttp(easel: EaselProcess): Promise<Response> {
  return fetch(`${easel.trpcUrl}/generate.start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: JOB }) });
}

describe('a full disk', () => {
  let disk: SmallTmpfs;
  let dbDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    disk = await mountSmallTmpfs(16);
    dbDir = await makeDataDir('easel-disk-full-db-');
    easel = await startEaselServer({
      dataDir: disk.path,
      env: { EASEL_DEMO_MODEL: '0', DATABASE_URL: `file:${join(dbDir, 'easel.db')}`, EASEL_MIN_FREE_MB: '1' },
    });
    await writeTinyModel(join(easel.modelsDir, 'tiny'));
    await easel.client.models.register.mutate({ path: 'tiny' });
    await easel.client.models.load.mutate({ id: 'tiny' });
  }, 60_000);

  afterAll(async () => {
    await easel?.stop();
    await disk?.unmount();
    await removeDataDir(dbDir);
  });

  it('refuses new jobs with 507 naming the images folder, serves nothing half-written, and keeps serving', async () => {
    const imagesDir = join(disk.path, 'images');
    const first = await easel.client.generate.start.mutate(JOB);
    expect(await finalEvent(easel, first.id)).toMatchObject({ status: 'done' });
    const served = await fetch(`${easel.url}/images/${first.id}.png`);
    expect(served.status).toBe(200);

    // Held: the runner is stopped, so the accepted job can't write before the disk is full.
    const [runner] = await childPids(easel.pid);
    expect(runner).toBeDefined();
    process.kill(runner!, 'SIGSTOP');
    let second: string;
    try {
      second = (await easel.client.generate.start.mutate(JOB)).id;
      await disk.fill();
      const refused = await startOverHttp(easel);
      expect(refused.status).toBe(507);
      const body = (await refused.json()) as { error: { json: { message: string; data: { easelCode: string } } } };
      expect(body.error.json.data.easelCode).toBe('INSUFFICIENT_STORAGE');
      expect(body.error.json.message).toContain(`The disk holding the images folder ${imagesDir} is full: 0 bytes`);
    } finally {
      process.kill(runner!, 'SIGCONT');
    }

    expect(await finalEvent(easel, second)).toMatchObject({ status: 'failed' });
    const halfWritten = await fetch(`${easel.url}/images/${second}.png`);
    expect(halfWritten.status).toBe(404);
    expect(halfWritten.headers.get('cache-control')).toBe('no-store');
    expect((await readdir(imagesDir)).filter((name) => name.startsWith(second))).toEqual([]);

    // Still serving: the earlier image, the status, and new jobs once there is room again.
    expect((await fetch(`${easel.url}/images/${first.id}.png`)).status).toBe(200);
    expect(await easel.client.models.list.query()).toHaveLength(1);
    for (const name of (await readdir(disk.path)).filter((n) => n.startsWith('filler-'))) await rm(join(disk.path, name));
    const third = await easel.client.generate.start.mutate(JOB);
    expect(await finalEvent(easel, third.id)).toMatchObject({ status: 'done' });
  }, 120_000);
});
