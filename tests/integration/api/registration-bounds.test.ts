// Registration against the real server and runners: special files in a model folder are refused at once,
// and a burst of registrations never forks more inspection runners than the pool allows.
import { execFileSync } from 'node:child_process';
import { cp, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf } from '../../../client/index.js';
import { INSPECTION_LIMITS } from '../../../server/registry/model-registry.js';
import { childPids, makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

const BURST = 50;

describe('bounded registration', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let template: string;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
    template = await writeTinyModel(join(dataDir, 'template'));
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  /** A copy of the tiny model under the model root whose `relative` file is a named pipe nobody writes to. */
  async function withFifo(name: string, relative: string): Promise<string> {
    const folder = join(easel.modelsDir, name);
    await cp(template, folder, { recursive: true });
    await unlink(join(folder, relative));
    execFileSync('mkfifo', [join(folder, relative)]);
    return folder;
  }

  it.each([
    ['fifo-index', 'model_index.json'],
    ['fifo-unet', 'unet/config.json'],
  ])('refuses a folder with a FIFO as %s, naming the file, and keeps serving', async (name, relative) => {
    const folder = await withFifo(name, relative);
    const error = await easel.client.models.register.mutate({ path: name }).catch((e: unknown) => e);
    expect(easelCodeOf(error)).toBe('INVALID_MODEL');
    expect((error as Error).message).toContain(`${relative} in ${folder} is a named pipe (FIFO)`);
    // The server goes on answering: nothing is left waiting on the pipe.
    expect(await easel.client.models.list.query()).toEqual([]);
  });

  it('reports the FIFO folders as failed in a scan and registers the good one', async () => {
    await cp(template, join(easel.modelsDir, 'good'), { recursive: true });
    const result = await easel.client.models.scan.mutate();
    expect(result.added.map((m) => m.id)).toEqual(['good']);
    expect(result.failed.map((f) => [f.path.split('/').pop(), f.code]).sort()).toEqual([
      ['fifo-index', 'INVALID_MODEL'],
      ['fifo-unet', 'INVALID_MODEL'],
    ]);
  });

  it(`inspects ${BURST} concurrent registrations at most ${INSPECTION_LIMITS.concurrency} at a time, and registers them all`, async () => {
    const names = Array.from({ length: BURST }, (_, i) => `burst-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((name) => cp(template, join(easel.modelsDir, name), { recursive: true })));
    let settled = false;
    const registrations = Promise.allSettled(names.map((name) => easel.client.models.register.mutate({ path: name }))).finally(() => (settled = true));
    let most = 0;
    let samples = 0;
    while (!settled) {
      most = Math.max(most, (await childPids(easel.pid)).length);
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const results = await registrations;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(samples).toBeGreaterThan(1);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(INSPECTION_LIMITS.concurrency);
    const listed = (await easel.client.models.list.query()).map((m) => m.id);
    expect(names.every((name) => listed.includes(name))).toBe(true);
  }, 240_000);
});
