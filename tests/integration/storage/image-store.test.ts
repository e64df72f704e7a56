import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { createGenerationRepository, type GenerationRepository, type GenerationStatus } from '../../../server/db/generation-repository.js';
import { ImageStore } from '../../../server/storage/image-store.js';
import type { RetentionPolicy } from '../../../server/storage/retention-policy.js';
import { TEST_DATABASES, useScratchDatabase } from '../db/test-databases.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const HOUR = 3_600_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(TEST_DATABASES)('the image store on $name', (kind) => {
  let db: Database;
  let repo: GenerationRepository;
  let imagesDir: string;
  useScratchDatabase(kind, (opened) => {
    db = opened;
  });
  beforeEach(async () => {
    await db.prisma.generation.deleteMany();
    repo = createGenerationRepository(db);
    imagesDir = await mkdtemp(join(tmpdir(), 'easel-images-'));
  });
  afterEach(async () => {
    await rm(imagesDir, { recursive: true, force: true });
  });

  function store(retention: RetentionPolicy = { kind: 'unlimited' }): ImageStore {
    return new ImageStore({ imagesDir, generations: repo, retention, minFreeBytes: 0, logger: silent, clock: { now: () => NOW } });
  }

  /** A generation row with `status`, made `hoursAgo` before NOW, and its image file. */
  async function job(status: GenerationStatus, hoursAgo = 0, png = Buffer.from('png bytes')): Promise<string> {
    const { id } = await repo.create({ prompt: 'p', negativePrompt: '', sampler: 'EULER', steps: 2, guidance: 7.5, seed: 1, width: 64, height: 64, strength: null, modelId: 'tiny' });
    await db.prisma.generation.update({ where: { id }, data: { status, createdAt: new Date(NOW.getTime() - hoursAgo * HOUR), imagePath: join(imagesDir, `${id}.png`) } });
    await writeFile(join(imagesDir, `${id}.png`), png);
    return id;
  }

  const images = async () => (await readdir(imagesDir)).sort();

  it('serves the image of a done job only, never an empty file or the image of a job still running', async () => {
    const done = await job('done');
    const running = await job('running');
    const empty = await job('done', 0, Buffer.alloc(0));
    const s = store();
    expect((await s.completedImage(done))?.toString()).toBe('png bytes');
    expect(await s.completedImage(running)).toBeNull();
    expect(await s.completedImage(empty)).toBeNull();
    expect(await s.completedImage('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('deletes an ended job with its image, and refuses while the job is queued or running', async () => {
    const done = await job('done');
    const failed = await job('failed');
    const queued = await job('queued');
    const s = store();
    await expect(s.delete(done)).resolves.toEqual({ id: done, deleted: true });
    await expect(s.delete(failed)).resolves.toEqual({ id: failed, deleted: true });
    await expect(s.delete(queued)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('is still queued; cancel it') });
    await expect(s.delete(done)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await images()).toEqual([`${queued}.png`]);
    expect((await repo.list({})).items.map((g) => g.id)).toEqual([queued]);
  });

  it('keeps the newest N ended jobs under a count retention, and never touches jobs still running', async () => {
    await job('done', 5);
    await job('cancelled', 4);
    const running = await job('running', 3);
    const newer = await job('failed', 2);
    const newest = await job('done', 1);
    expect(await store({ kind: 'count', keep: 2 }).applyRetention()).toBe(2);
    expect(await images()).toEqual([`${running}.png`, `${newer}.png`, `${newest}.png`].sort());
    expect((await repo.list({})).items.map((g) => g.id).sort()).toEqual([running, newer, newest].sort());
  });

  it('removes ended jobs older than an age retention', async () => {
    const old = await job('done', 30);
    const young = await job('done', 10);
    const s = store({ kind: 'age', maxAgeMs: 24 * HOUR });
    expect(await s.applyRetention()).toBe(1);
    await expect(repo.get(old)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await images()).toEqual([`${young}.png`]);
  });

  it('removes nothing without a retention limit', async () => {
    await job('done', 10_000);
    expect(await store().applyRetention()).toBe(0);
    expect(await images()).toHaveLength(1);
  });

  it('removes partial images left by an earlier run at start-up, and reports disk use', async () => {
    const done = await job('done');
    const partial = join(imagesDir, `${done}.png.0a1b.partial`);
    await writeFile(partial, 'half');
    await utimes(partial, new Date(NOW.getTime() - HOUR), new Date(NOW.getTime() - HOUR));
    const s = store({ kind: 'count', keep: 10 });
    await s.start();
    await s.stop();
    expect(await images()).toEqual([`${done}.png`]);
    const usage = await s.usage();
    expect(usage).toMatchObject({ imagesDir, imageCount: 1, imageBytes: 'png bytes'.length, minFreeBytes: 0, retention: 'the newest 10 finished images' });
    expect(usage.freeBytes).toBeGreaterThan(0);
    expect(usage.totalBytes).toBeGreaterThanOrEqual(usage.freeBytes);
  });
});
