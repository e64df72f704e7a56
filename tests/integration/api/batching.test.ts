// Batching through the API with a real server and runner: with EASEL_MAX_BATCH=4, compatible queued jobs start
// together and share each UNet run, and each image is the one its job makes alone.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { psnr } from '../../unit/demo-model/demo-fixture.js';

const JOB = { prompt: 'a red circle on a blue background', model: 'easel-demo', sampler: 'EULER_A', steps: 30, width: 256, height: 256 } as const;

describe('batching compatible jobs (EASEL_MAX_BATCH=4)', () => {
  let easel: EaselProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_MAX_BATCH: '4' } });
    await easel.client.models.load.mutate({ id: 'easel-demo' });
  }, 120_000);

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  async function doneRows(ids: string[]) {
    for (;;) {
      const rows = await Promise.all(ids.map((id) => easel.client.generate.get.query({ id })));
      if (rows.every((row) => row.status === 'done')) return rows;
      if (rows.some((row) => row.status === 'failed' || row.status === 'cancelled')) throw new Error(JSON.stringify(rows));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function rgb(url: string): Promise<Uint8Array> {
    const response = await fetch(`${easel.url}${url}`);
    return new Uint8Array(await sharp(Buffer.from(await response.arrayBuffer())).raw().toBuffer());
  }

  it('starts up to 4 compatible jobs as one batch, and the next ones after it', async () => {
    const { ids } = await easel.client.generate.start.mutate({ ...JOB, count: 6, seed: 100 });
    const rows = await doneRows(ids);
    const starts = rows.map((row) => row.startedAt!.getTime());
    // The first four share one start; the last two start together after them.
    expect(new Set(starts.slice(0, 4)).size).toBe(1);
    expect(new Set(starts.slice(4)).size).toBe(1);
    expect(starts[4]!).toBeGreaterThan(starts[0]!);
    expect(rows.every((row) => row.attempts === 1)).toBe(true);

    // The same job alone (a different size, so not batched with anything) makes the same image.
    const alone = await easel.client.generate.start.mutate({ ...JOB, seed: rows[1]!.seed });
    const [again] = await doneRows([alone.id]);
    expect(psnr(await rgb(rows[1]!.imageUrl!), await rgb(again!.imageUrl!))).toBeGreaterThanOrEqual(45);
  }, 120_000);

  it('never batches jobs that differ in steps', async () => {
    const a = await easel.client.generate.start.mutate({ ...JOB, steps: 20, seed: 1 });
    const b = await easel.client.generate.start.mutate({ ...JOB, steps: 21, seed: 1 });
    const rows = await doneRows([a.id, b.id]);
    expect(rows[1]!.startedAt!.getTime()).toBeGreaterThanOrEqual(rows[0]!.finishedAt!.getTime());
  }, 120_000);
});
