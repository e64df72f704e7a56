// Start-up reconciliation of jobs a crash left unfinished: running ones run again (until interrupted twice), queued
// ones stay queued, jobs of removed models fail NOT_FOUND; and recoverJobs applies those decisions to every row.
import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../../server/core/errors.js';
import { MAX_ATTEMPTS, recoverJobs, recoveryFor } from '../../../../server/core/generation/job-recovery.js';
import type { GenerationRecord, GenerationStatus } from '../../../../server/core/ports.js';
import { MemoryGenerationStore } from '../../../helpers/memory-generation-store.js';
import { CollectingLogger } from '../../../helpers/scenario.js';

function record(status: GenerationStatus, overrides: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    id: 'g1',
    prompt: 'a fox',
    negativePrompt: '',
    sampler: 'DDIM',
    steps: 20,
    guidance: 7.5,
    seed: 42,
    width: 512,
    height: 512,
    strength: null,
    modelId: 'a',
    createdAt: new Date(0),
    status,
    durationMs: null,
    runMs: null,
    imagePath: null,
    error: null,
    errorCode: null,
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    node: null,
    ownerRole: 'local',
    ownerId: null,
    actor: 'ui',
    warnings: [],
    ...overrides,
  };
}

describe('recoveryFor', () => {
  it('queues again a job that was running', () => {
    expect(recoveryFor(record('running', { attempts: 1 }), true)).toEqual({ kind: 'requeue' });
  });

  it(`fails with INTERRUPTED a running job already interrupted ${MAX_ATTEMPTS} times`, () => {
    const action = recoveryFor(record('running', { attempts: 2 }), true);
    expect(action.kind).toBe('fail');
    if (action.kind !== 'fail') return;
    expect(action.error).toMatchObject({ code: 'INTERRUPTED', message: expect.stringContaining('2 times') });
  });

  it('leaves queued and loading jobs queued, whatever their attempts', () => {
    expect(recoveryFor(record('queued'), true)).toEqual({ kind: 'requeue' });
    expect(recoveryFor(record('loading', { attempts: 1 }), true)).toEqual({ kind: 'requeue' });
    expect(recoveryFor(record('queued', { attempts: 5 }), true)).toEqual({ kind: 'requeue' });
  });

  it('fails with NOT_FOUND a job whose model was removed, naming the model', () => {
    const action = recoveryFor(record('running', { modelId: 'gone' }), false);
    expect(action.kind).toBe('fail');
    if (action.kind !== 'fail') return;
    expect(action.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"gone"') });
  });

  it('fails with INTERRUPTED an image-to-image job, whose initial image is not kept', () => {
    const action = recoveryFor(record('queued', { strength: 0.6 }), true);
    expect(action).toMatchObject({ kind: 'fail', error: { code: 'INTERRUPTED' } });
  });
});

describe('recoverJobs', () => {
  it('requeues or abandons every unfinished row and leaves ended rows alone', async () => {
    const store = new MemoryGenerationStore();
    const base = { prompt: 'p', negativePrompt: '', sampler: 'DDIM', steps: 4, guidance: 7.5, seed: 1, width: 64, height: 64, strength: null };
    for (const [id, modelId] of [['running-once', 'a'], ['running-twice', 'a'], ['queued', 'a'], ['removed', 'gone'], ['done', 'a']] as const) {
      await store.create({ ...base, id, modelId });
    }
    await store.update('running-once', { status: 'running', attempts: 1 });
    await store.update('running-twice', { status: 'running', attempts: 2 });
    await store.update('done', { status: 'done' });

    const requeued: string[] = [];
    const abandoned: Array<[string, string]> = [];
    const logger = new CollectingLogger();
    const result = await recoverJobs({
      store,
      modelExists: async (id) => id === 'a',
      requeue: async (r) => void requeued.push(r.id),
      abandon: async (r, error: EaselError) => void abandoned.push([r.id, error.code]),
      logger,
    });
    expect(result).toEqual({ requeued: 2, failed: 2 });
    expect(requeued.sort()).toEqual(['queued', 'running-once']);
    expect(abandoned.sort()).toEqual([
      ['removed', 'NOT_FOUND'],
      ['running-twice', 'INTERRUPTED'],
    ]);
    expect(logger.entries.find((e) => e.message === 'jobs left by the last run reconciled')?.fields).toEqual({ requeued: 2, failed: 2 });
  });
});
