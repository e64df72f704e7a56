import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { createGenerationRepository, type NewGeneration } from '../../../server/db/generation-repository.js';
import { TEST_DATABASES, useScratchDatabase } from './test-databases.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

function request(overrides: Partial<NewGeneration> = {}): NewGeneration {
  return {
    prompt: 'a lighthouse at dusk',
    negativePrompt: 'blurry',
    sampler: 'euler',
    steps: 20,
    guidance: 7.5,
    seed: 4_294_967_295,
    width: 512,
    height: 512,
    strength: null,
    modelId: 'easel-demo',
    ...overrides,
  };
}

describe.each(TEST_DATABASES)('the generation repository on $name', (kind) => {
  let db: Database;
  useScratchDatabase(kind, (opened) => {
    db = opened;
  });
  beforeEach(async () => {
    await db.prisma.generation.deleteMany();
  });

  it('creates a queued generation with a UUID and reads it back whole', async () => {
    const repo = createGenerationRepository(db);
    const created = await repo.create(request({ strength: 0.6 }));
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ ...request({ strength: 0.6 }), status: 'queued', durationMs: null, runMs: null, imagePath: null, error: null });
    expect(created.startedAt).toBeNull();
    expect(created.finishedAt).toBeNull();
    expect(await repo.get(created.id)).toEqual(created);
  });

  it('keeps seeds past 2^32 exactly', async () => {
    const created = await createGenerationRepository(db).create(request({ seed: 2 ** 53 - 1 }));
    expect(created.seed).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a seed that is negative or not whole', async () => {
    const repo = createGenerationRepository(db);
    await expect(repo.create(request({ seed: -1 }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(repo.create(request({ seed: 0.5 }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('records progress and the outcome through updates', async () => {
    const repo = createGenerationRepository(db);
    const { id } = await repo.create(request());
    await repo.update(id, { status: 'running', startedAt: new Date(T0) });
    const done = await repo.update(id, { status: 'done', finishedAt: new Date(T0 + 1500), durationMs: 1500, runMs: 1320, imagePath: 'images/x.png' });
    expect(done).toMatchObject({ status: 'done', startedAt: new Date(T0), finishedAt: new Date(T0 + 1500), durationMs: 1500, runMs: 1320, imagePath: 'images/x.png' });
    expect(await repo.get(id)).toEqual(done);
  });

  it('keeps the onnxruntime time null for a generation that failed', async () => {
    const repo = createGenerationRepository(db);
    const { id } = await repo.create(request());
    await repo.update(id, { status: 'running', startedAt: new Date(T0) });
    const failed = await repo.update(id, { status: 'failed', finishedAt: new Date(T0 + 400), durationMs: 400, error: 'unet: out of memory' });
    expect(failed).toMatchObject({ status: 'failed', durationMs: 400, runMs: null });
  });

  it('answers NOT_FOUND naming the id for an unknown generation', async () => {
    const repo = createGenerationRepository(db);
    await expect(repo.get('ghost')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"ghost"') });
    await expect(repo.update('ghost', { status: 'failed' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  describe('listing', () => {
    beforeEach(async () => {
      const repo = createGenerationRepository(db);
      // Two pairs share a creation time, so paging must break ties by id.
      const plan: Array<[number, string, 'done' | 'failed']> = [
        [0, 'a', 'done'],
        [1, 'b', 'failed'],
        [1, 'a', 'done'],
        [2, 'a', 'done'],
        [2, 'b', 'done'],
        [3, 'a', 'failed'],
      ];
      for (const [index, [second, modelId, status]] of plan.entries()) {
        const { id } = await repo.create(request({ id: `gen-${index}`, modelId, createdAt: new Date(T0 + second * 1000) }));
        await repo.update(id, { status });
      }
    });

    it('lists newest first', async () => {
      const page = await createGenerationRepository(db).list({});
      expect(page.items.map((g) => g.id)).toEqual(['gen-5', 'gen-4', 'gen-3', 'gen-2', 'gen-1', 'gen-0']);
      expect(page.nextCursor).toBeNull();
    });

    it('filters by model and by status', async () => {
      const repo = createGenerationRepository(db);
      expect((await repo.list({ modelId: 'b' })).items.map((g) => g.id)).toEqual(['gen-4', 'gen-1']);
      expect((await repo.list({ status: 'failed' })).items.map((g) => g.id)).toEqual(['gen-5', 'gen-1']);
      expect((await repo.list({ modelId: 'a', status: 'done' })).items.map((g) => g.id)).toEqual(['gen-3', 'gen-2', 'gen-0']);
    });

    it('pages through ties in creation time without duplicates or gaps', async () => {
      const repo = createGenerationRepository(db);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repo.list({ limit: 2, cursor });
        seen.push(...page.items.map((g) => g.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(['gen-5', 'gen-4', 'gen-3', 'gen-2', 'gen-1', 'gen-0']);
    });

    it('rejects a cursor that names no generation', async () => {
      await expect(createGenerationRepository(db).list({ cursor: 'ghost' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });
  });
});
