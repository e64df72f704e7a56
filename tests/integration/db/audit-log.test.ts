import { beforeEach, describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../../server/core/ports.js';
import { createAuditLog } from '../../../server/db/audit-log.js';
import type { Database } from '../../../server/db/database.js';
import { listTransitions } from '../../../server/db/transition-history.js';
import type { TransitionRow } from '../../../server/db/transition-row.js';
import { TEST_DATABASES, useScratchDatabase } from './test-databases.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

function record(minute: number, overrides: Partial<TransitionRecord> = {}): TransitionRecord {
  return {
    at: new Date(T0 + minute * 60_000),
    modelId: 'easel-demo',
    from: 'IDLE',
    to: 'LOADING',
    reason: 'LOAD_REQUESTED',
    actor: 'ui',
    requestId: `req-${minute}`,
    durationMs: null,
    error: null,
    details: null,
    ...overrides,
  };
}

describe.each(TEST_DATABASES)('the audit log on $name', (kind) => {
  let db: Database;
  useScratchDatabase(kind, (opened) => {
    db = opened;
  });
  beforeEach(async () => {
    await db.prisma.stateTransition.deleteMany();
  });

  it('has no last record of any model while empty', async () => {
    expect(await createAuditLog(db).lastPerModel()).toEqual([]);
  });

  it('gives back the newest appended record exactly as it was written', async () => {
    const log = createAuditLog(db);
    await log.append(record(0));
    const newest = record(1, {
      from: 'LOADED',
      to: 'UNLOADING',
      reason: 'UNLOAD_REQUESTED',
      actor: 'script',
      // Past 2^31 ms: a model that stayed loaded for 30 days.
      durationMs: 2_592_000_000,
      error: 'none',
      details: { rssFreedBytes: 123_456_789, note: 'ok' },
    });
    await log.append(newest);
    expect(await log.lastPerModel()).toEqual([newest]);
  });

  it('gives back the newest record of each model, oldest first', async () => {
    const log = createAuditLog(db);
    const a0 = record(0);
    const b1 = record(1, { modelId: 'other' });
    const a2 = record(2, { from: 'LOADING', to: 'LOADED', reason: 'LOAD_COMPLETED', durationMs: 120_000 });
    const b3 = record(3, { modelId: 'other', from: 'LOADING', to: 'ERROR', reason: 'LOAD_FAILED', error: 'unet/model.onnx is truncated' });
    const c4 = record(4, { modelId: 'third' });
    for (const item of [a0, b1, a2, b3, c4]) await log.append(item);
    expect(await log.lastPerModel()).toEqual([a2, b3, c4]);
  });

  it('keeps whole milliseconds of a fractional duration', async () => {
    const log = createAuditLog(db);
    await log.append(record(0, { durationMs: 41.6 }));
    expect((await log.lastPerModel())[0]?.durationMs).toBe(42);
  });

  it('keeps a transition that names no model', async () => {
    const log = createAuditLog(db);
    await log.append(record(0, { modelId: null, from: 'LOADING', to: 'IDLE', reason: 'RECOVERED_AFTER_RESTART', actor: 'system' }));
    expect((await log.lastPerModel()).map((r) => r.modelId)).toEqual([null]);
  });

  describe('history', () => {
    const seeded: TransitionRecord[] = [
      record(0),
      record(1, { from: 'LOADING', to: 'LOADED', reason: 'LOAD_COMPLETED', durationMs: 900 }),
      record(2, { modelId: 'other', actor: 'script' }),
      record(3, { modelId: 'other', from: 'LOADING', to: 'ERROR', reason: 'LOAD_FAILED', error: 'unet/model.onnx is truncated' }),
      record(4, { from: 'LOADED', to: 'UNLOADING', reason: 'UNLOAD_REQUESTED' }),
      record(5, { from: 'UNLOADING', to: 'IDLE', reason: 'UNLOAD_COMPLETED', details: { rssFreedBytes: 1 } }),
    ];

    beforeEach(async () => {
      const log = createAuditLog(db);
      for (const item of seeded) await log.append(item);
    });

    const minutesOf = (items: TransitionRow[]): number[] => items.map((item) => (item.at.getTime() - T0) / 60_000);

    it('lists newest first with ids, and no cursor when everything fits', async () => {
      const page = await listTransitions(db, {});
      expect(minutesOf(page.items)).toEqual([5, 4, 3, 2, 1, 0]);
      expect(page.items.map((item) => item.id)).toEqual([...page.items.map((item) => item.id)].sort((a, b) => b - a));
      expect(page.nextCursor).toBeNull();
      const { id: _id, ...newest } = page.items[0]!;
      expect(newest).toEqual({ ...seeded[5], node: null });
    });

    it('filters by model', async () => {
      expect(minutesOf((await listTransitions(db, { modelId: 'other' })).items)).toEqual([3, 2]);
    });

    it('filters by reason', async () => {
      expect(minutesOf((await listTransitions(db, { reason: 'LOAD_REQUESTED' })).items)).toEqual([2, 0]);
    });

    it('filters by the state left and the state entered', async () => {
      expect(minutesOf((await listTransitions(db, { from: 'LOADING' })).items)).toEqual([3, 1]);
      expect(minutesOf((await listTransitions(db, { to: 'IDLE' })).items)).toEqual([5]);
      expect(minutesOf((await listTransitions(db, { from: 'LOADING', to: 'ERROR' })).items)).toEqual([3]);
    });

    it('filters by time, since inclusive and until exclusive', async () => {
      const at = (minute: number): Date => new Date(T0 + minute * 60_000);
      expect(minutesOf((await listTransitions(db, { since: at(2) })).items)).toEqual([5, 4, 3, 2]);
      expect(minutesOf((await listTransitions(db, { until: at(2) })).items)).toEqual([1, 0]);
      expect(minutesOf((await listTransitions(db, { since: at(1), until: at(4) })).items)).toEqual([3, 2, 1]);
    });

    it('combines filters', async () => {
      const page = await listTransitions(db, { modelId: 'easel-demo', reason: 'LOAD_REQUESTED', since: new Date(T0) });
      expect(minutesOf(page.items)).toEqual([0]);
    });

    it('pages through everything with a cursor, without duplicates or gaps, even while rows are appended', async () => {
      const seen: TransitionRow[] = [];
      let page = await listTransitions(db, { limit: 4 });
      seen.push(...page.items);
      await createAuditLog(db).append(record(6));
      while (page.nextCursor !== null) {
        page = await listTransitions(db, { limit: 4, cursor: page.nextCursor });
        seen.push(...page.items);
      }
      expect(minutesOf(seen)).toEqual([5, 4, 3, 2, 1, 0]);
      expect(new Set(seen.map((item) => item.id)).size).toBe(seen.length);
    });

    it('pages a filtered listing', async () => {
      const first = await listTransitions(db, { modelId: 'easel-demo', limit: 2 });
      expect(minutesOf(first.items)).toEqual([5, 4]);
      const second = await listTransitions(db, { modelId: 'easel-demo', limit: 2, cursor: first.nextCursor! });
      expect(minutesOf(second.items)).toEqual([1, 0]);
      expect(second.nextCursor).toBeNull();
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const first = await listTransitions(db, { limit: 3 });
      const second = await listTransitions(db, { limit: 3, cursor: first.nextCursor! });
      expect(second.items).toHaveLength(3);
      expect(second.nextCursor).toBeNull();
    });

    it('rejects a limit outside 1 to 500', async () => {
      await expect(listTransitions(db, { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(listTransitions(db, { limit: 501 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(listTransitions(db, { limit: 2.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('returns 50 rows by default', async () => {
      const more = Array.from({ length: 50 }, (_, index) => ({ ...record(10 + index), details: null }));
      await db.prisma.stateTransition.createMany({ data: more });
      const page = await listTransitions(db, {});
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).not.toBeNull();
    });
  });

  it('refuses to read back a row whose reason this Easel does not know, naming the row', async () => {
    await db.prisma.stateTransition.create({
      data: { at: new Date(T0), from: 'IDLE', to: 'LOADING', reason: 'TELEPORTED', actor: 'ui' },
    });
    await expect(createAuditLog(db).lastPerModel()).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('TELEPORTED') });
  });
});
