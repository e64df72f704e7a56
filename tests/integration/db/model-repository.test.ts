import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelDescription } from '../../../server/core/ports.js';
import { createAuditLog } from '../../../server/db/audit-log.js';
import type { Database } from '../../../server/db/database.js';
import { createModelRepository, type NewModel } from '../../../server/db/model-repository.js';
import { TEST_DATABASES, useScratchDatabase } from './test-databases.js';

const description: ModelDescription = {
  sampleSize: 64,
  vaeScaleFactor: 8,
  vaeScalingFactor: 0.18215,
  latentChannels: 4,
  tokenizerMaxLength: 77,
  parts: [
    {
      part: 'unet',
      inputs: [
        { name: 'sample', type: 'float32', dims: ['batch', 4, 64, 64] },
        { name: 'timestep', type: 'int64', dims: [1] },
      ],
      outputs: [{ name: 'out_sample', type: 'float32', dims: [-1, 4, 64, 64] }],
    },
  ],
  hasVaeEncoder: false,
  schedulerConfig: { _class_name: 'PNDMScheduler', beta_start: 0.00085 },
};

function model(id: string, overrides: Partial<NewModel> = {}): NewModel {
  return {
    id,
    name: `Model ${id}`,
    path: `/models/${id}`,
    kind: 'onnx-diffusers',
    sampleSize: 64,
    defaultSampler: 'euler',
    // 5 GiB: past 2^32 bytes.
    sizeBytes: 5 * 1024 ** 3,
    description,
    ...overrides,
  };
}

describe.each(TEST_DATABASES)('the model repository on $name', (kind) => {
  let db: Database;
  useScratchDatabase(kind, (opened) => {
    db = opened;
  });
  beforeEach(async () => {
    await db.prisma.model.deleteMany();
  });

  it('creates a model and reads it back whole, by id and by path', async () => {
    const repo = createModelRepository(db);
    const created = await repo.create(model('easel-demo', { createdAt: new Date('2026-01-02T03:04:05.678Z') }));
    expect(created).toEqual({
      ...model('easel-demo'),
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      lastLoadedAt: null,
      loadCount: 0,
      memoryBytes: null,
    });
    expect(await repo.get('easel-demo')).toEqual(created);
    expect(await repo.findByPath('/models/easel-demo')).toEqual(created);
    expect(await repo.find('easel-demo')).toEqual({ id: 'easel-demo', path: '/models/easel-demo', memoryBytes: null });
  });

  it('answers null, not an error, for an unknown id or path where the caller asks whether it exists', async () => {
    const repo = createModelRepository(db);
    expect(await repo.find('nope')).toBeNull();
    expect(await repo.findByPath('/models/nope')).toBeNull();
  });

  it('stamps the creation time when none is given', async () => {
    const before = Date.now();
    const created = await createModelRepository(db).create(model('fresh'));
    expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('keeps a null default sampler', async () => {
    const created = await createModelRepository(db).create(model('plain', { defaultSampler: null }));
    expect(created.defaultSampler).toBeNull();
  });

  it('lists models oldest registration first', async () => {
    const repo = createModelRepository(db);
    await repo.create(model('b', { createdAt: new Date('2026-01-02T00:00:00Z') }));
    await repo.create(model('a', { createdAt: new Date('2026-01-03T00:00:00Z') }));
    await repo.create(model('c', { createdAt: new Date('2026-01-01T00:00:00Z') }));
    expect((await repo.list()).map((m) => m.id)).toEqual(['c', 'b', 'a']);
  });

  it('records each load: the time, one more in the count, and the memory measured, kept when a load measured none', async () => {
    const repo = createModelRepository(db);
    await repo.create(model('easel-demo'));
    // 6.5 GiB: past 2^32 bytes.
    await repo.recordLoaded('easel-demo', new Date('2026-02-01T00:00:00Z'), 6.5 * 1024 ** 3);
    await repo.recordLoaded('easel-demo', new Date('2026-02-02T00:00:00Z'), null);
    const loaded = await repo.get('easel-demo');
    expect(loaded.loadCount).toBe(2);
    expect(loaded.lastLoadedAt).toEqual(new Date('2026-02-02T00:00:00Z'));
    expect(loaded.memoryBytes).toBe(6.5 * 1024 ** 3);
    expect(await repo.find('easel-demo')).toEqual({ id: 'easel-demo', path: '/models/easel-demo', memoryBytes: 6.5 * 1024 ** 3 });
  });

  it('removes a model but keeps the audit rows that name it', async () => {
    const repo = createModelRepository(db);
    await repo.create(model('easel-demo'));
    await createAuditLog(db).append({
      at: new Date(),
      modelId: 'easel-demo',
      from: 'IDLE',
      to: 'LOADING',
      reason: 'LOAD_REQUESTED',
      actor: 'ui',
      requestId: null,
      durationMs: null,
      error: null,
      details: null,
    });
    await repo.remove('easel-demo');
    expect(await repo.find('easel-demo')).toBeNull();
    expect((await createAuditLog(db).lastPerModel()).map((r) => r.modelId)).toEqual(['easel-demo']);
  });

  it.each([
    ['get', (repo: ReturnType<typeof createModelRepository>) => repo.get('ghost')],
    ['remove', (repo: ReturnType<typeof createModelRepository>) => repo.remove('ghost')],
    ['recordLoaded', (repo: ReturnType<typeof createModelRepository>) => repo.recordLoaded('ghost', new Date(), null)],
  ])('answers NOT_FOUND naming the id when %s is asked for an unknown model', async (_name, call) => {
    await expect(call(createModelRepository(db))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No model with id "ghost" is registered',
    });
  });

  it('refuses a second model with the same id', async () => {
    const repo = createModelRepository(db);
    await repo.create(model('easel-demo'));
    await expect(repo.create(model('easel-demo', { path: '/models/elsewhere' }))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('"easel-demo"'),
    });
  });

  it('refuses a second model for the same folder, naming the model that has it', async () => {
    const repo = createModelRepository(db);
    await repo.create(model('easel-demo'));
    await expect(repo.create(model('copy', { path: '/models/easel-demo' }))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: '/models/easel-demo is already registered as model "easel-demo"',
    });
  });

  it('refuses a size that is not a whole number of bytes', async () => {
    await expect(createModelRepository(db).create(model('odd', { sizeBytes: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
