// Images through the real server: only completed ones are served, generate.delete removes one with its row,
// storage.usage reports the folder, and EASEL_IMAGE_RETENTION removes the oldest at start-up.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf, followGeneration, type JobEvent } from '../../../client/index.js';
import { childPids, makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

const JOB = { prompt: 'the cat', steps: 2, width: 64, height: 64 };

async function finalEvent(easel: EaselProcess, id: string): Promise<JobEvent> {
  let last: JobEvent | undefined;
  for await (const event of followGeneration(easel.client, id)) last = event;
  return last!;
}

async function generate(easel: EaselProcess, seed: number): Promise<string> {
  const { id } = await easel.client.generate.start.mutate({ ...JOB, seed });
  expect(await finalEvent(easel, id)).toMatchObject({ status: 'done' });
  return id;
}

describe('images', () => {
  let dataDir: string;
  let easel: EaselProcess;
  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
    await writeTinyModel(join(easel.modelsDir, 'tiny'));
    await easel.client.models.register.mutate({ path: 'tiny' });
    await easel.client.models.load.mutate({ id: 'tiny' });
  }, 60_000);

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('serves a .png only once its job is done, and never caches the refusal', async () => {
    const [runner] = await childPids(easel.pid);
    // Held: the runner is stopped, so the job can't end while a file already sits under its name.
    process.kill(runner!, 'SIGSTOP');
    let id: string;
    try {
      id = (await easel.client.generate.start.mutate({ ...JOB, seed: 1 })).id;
      await writeFile(join(dataDir, 'images', `${id}.png`), 'not finished');
      const early = await fetch(`${easel.url}/images/${id}.png`);
      expect(early.status).toBe(404);
      expect(early.headers.get('cache-control')).toBe('no-store');
    } finally {
      process.kill(runner!, 'SIGCONT');
    }
    expect(await finalEvent(easel, id)).toMatchObject({ status: 'done' });
    const done = await fetch(`${easel.url}/images/${id}.png`);
    expect(done.status).toBe(200);
    expect(done.headers.get('cache-control')).toContain('immutable');
  }, 60_000);

  it('deletes one image with its row, and reports the folder in storage.usage', async () => {
    const id = await generate(easel, 2);
    const before = await easel.client.storage.usage.query();
    expect(before).toMatchObject({ imagesDir: join(dataDir, 'images'), imageCount: 2, retention: 'every image (no retention limit)' });
    expect(before.imageBytes).toBeGreaterThan(0);
    expect(before.freeBytes).toBeGreaterThan(0);

    expect(await easel.client.generate.delete.mutate({ id })).toEqual({ id, deleted: true });
    expect((await fetch(`${easel.url}/images/${id}.png`)).status).toBe(404);
    expect(easelCodeOf(await easel.client.generate.get.query({ id }).catch((e: unknown) => e))).toBe('NOT_FOUND');
    expect((await easel.client.storage.usage.query()).imageCount).toBe(1);
  }, 60_000);

  it('refuses to delete a job that has not ended', async () => {
    const [runner] = await childPids(easel.pid);
    process.kill(runner!, 'SIGSTOP');
    try {
      const { id } = await easel.client.generate.start.mutate({ ...JOB, seed: 3 });
      const error = await easel.client.generate.delete.mutate({ id }).catch((e: unknown) => e);
      expect(easelCodeOf(error)).toBe('ILLEGAL_TRANSITION');
      expect((error as Error).message).toMatch(/is still (queued|running); cancel it/);
    } finally {
      process.kill(runner!, 'SIGCONT');
    }
  }, 60_000);

  it('keeps only the newest images under EASEL_IMAGE_RETENTION, applied at start-up', async () => {
    const newest = await generate(easel, 4);
    await easel.stop();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0', EASEL_IMAGE_RETENTION: '1' } });
    expect(await readdir(join(dataDir, 'images'))).toEqual([`${newest}.png`]);
    const { items } = await easel.client.history.generations.query({});
    expect(items.map((g) => g.id)).toEqual([newest]);
    expect((await easel.client.storage.usage.query()).retention).toBe('the newest 1 finished images');
  }, 60_000);
});
