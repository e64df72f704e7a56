// The job queue across several resident models: one job per model at a time, `parallel` jobs on different models
// at once, loading on demand, the default model, refusals, the jobs' keep-alive, failures that reach subscribers
// when the store can't record them, and jobs recovered after a restart.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EaselError, isEaselError } from '../../../../server/core/errors.js';
import { createGenerationScenario, type GenerationScenario } from '../../../helpers/generation-scenario.js';
import { outcomeOf, runnerOf, settle, settleUntil, stateOf } from '../../../helpers/scenario.js';

const origin = { actor: 'ui' as const, ownerRole: 'local' as const, ownerId: null };
const admin = { actor: 'script' as const, ownerRole: 'admin' as const, ownerId: 'admin-1' };

afterEach(() => {
  vi.useRealTimers();
});

async function loadToo(scenario: GenerationScenario, modelId: string): Promise<void> {
  const load = scenario.manager.load(modelId, { actor: 'ui' });
  await settleUntil(() => scenario.runners.loading() !== undefined, `${modelId} loading`);
  scenario.runners.loading()!.complete();
  await load;
}

describe('GenerationQueue across models', () => {
  it('runs one job at a time per model, even with room for more', async () => {
    const scenario = await createGenerationScenario({ parallel: 2 });
    await scenario.queue.start({ prompt: 'one', steps: 2, model: 'A' }, origin);
    await scenario.queue.start({ prompt: 'two', steps: 2, model: 'A' }, origin);
    await settleUntil(() => scenario.runner().generating !== undefined, 'job-1 running');
    expect(scenario.queue.jobs().map((j) => [j.id, j.status, j.position])).toEqual([
      ['job-1', 'running', 0],
      ['job-2', 'queued', 1],
    ]);
    scenario.runner().requireGenerating().complete();
    await settleUntil(() => scenario.runner().generating?.request.jobId === 'job-2', 'job-2 running');
    scenario.runner().requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'both done');
    expect(scenario.runner().maxConcurrentGenerations).toBe(1);
    expect(scenario.store.records.get('job-2')?.status).toBe('done');
  });

  it('with parallel 2, runs jobs of two resident models at once, each on its own runner', async () => {
    const scenario = await createGenerationScenario({ parallel: 2 });
    await loadToo(scenario, 'B');
    await scenario.queue.start({ prompt: 'a1', steps: 2, model: 'A' }, origin);
    await scenario.queue.start({ prompt: 'a2', steps: 2, model: 'A' }, origin);
    await scenario.queue.start({ prompt: 'b1', steps: 2, model: 'B' }, origin);
    await settleUntil(() => runnerOf(scenario, 'A').generating !== undefined && runnerOf(scenario, 'B').generating !== undefined, 'A and B both generating');
    expect(runnerOf(scenario, 'A').requireGenerating().request.jobId).toBe('job-1');
    expect(runnerOf(scenario, 'B').requireGenerating().request.jobId).toBe('job-3');
    expect(scenario.queue.jobs().map((j) => [j.id, j.modelId, j.status])).toEqual([
      ['job-1', 'A', 'running'],
      ['job-3', 'B', 'running'],
      ['job-2', 'A', 'queued'],
    ]);
    expect(scenario.manager.status().models.map((m) => [m.modelId, m.jobs])).toEqual([
      ['A', { running: 1, queued: 1 }],
      ['B', { running: 1, queued: 0 }],
    ]);
    runnerOf(scenario, 'B').requireGenerating().complete();
    runnerOf(scenario, 'A').requireGenerating().complete();
    await settleUntil(() => runnerOf(scenario, 'A').generating?.request.jobId === 'job-2', 'job-2 running');
    runnerOf(scenario, 'A').requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'all done');
  });

  it('with parallel 1, runs jobs of different models one after the other', async () => {
    const scenario = await createGenerationScenario({ parallel: 1 });
    await loadToo(scenario, 'B');
    await scenario.queue.start({ prompt: 'a', steps: 1, model: 'A' }, origin);
    await scenario.queue.start({ prompt: 'b', steps: 1, model: 'B' }, origin);
    await settleUntil(() => runnerOf(scenario, 'A').generating !== undefined, 'job-1 running');
    for (let i = 0; i < 5; i += 1) await settle();
    expect(runnerOf(scenario, 'B').generating).toBeUndefined();
    runnerOf(scenario, 'A').requireGenerating().complete();
    await settleUntil(() => runnerOf(scenario, 'B').generating !== undefined, 'job-2 running');
    runnerOf(scenario, 'B').requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'all done');
  });

  it('shows a job for a model that is not resident as loading, with the load progress, then runs it', async () => {
    const scenario = await createGenerationScenario();
    const seen: string[] = [];
    scenario.queue.subscribeJobs((jobs) => seen.push(jobs.map((j) => `${j.id}:${j.status}`).join(',')));
    await scenario.queue.start({ prompt: 'a cat', steps: 2, model: 'B' }, origin);
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    expect(stateOf(scenario.manager.status(), 'B')).toBe('LOADING');
    scenario.runners.loading()!.progress(1);
    await settle();
    expect(scenario.queue.jobs()[0]).toMatchObject({ id: 'job-1', modelId: 'B', status: 'loading', loadProgress: { part: 'unet', index: 1, count: 4 } });
    expect(scenario.events('job-1').filter((e) => e.status === 'loading').at(-1)).toMatchObject({ modelId: 'B', loadProgress: { fraction: 0.5 } });
    scenario.runners.loading()!.complete();
    await settleUntil(() => runnerOf(scenario, 'B').generating !== undefined, 'job-1 running on B');
    runnerOf(scenario, 'B').requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'done');
    expect(scenario.store.statuses.get('job-1')).toEqual(['queued', 'loading', 'running', 'done']);
    expect(scenario.events('job-1').map((e) => e.status).filter((s, i, all) => s !== all[i - 1])).toEqual(['queued', 'loading', 'running', 'done']);
    expect(seen).toContain('job-1:loading');
    expect(scenario.store.records.get('job-1')).toMatchObject({ modelId: 'B', attempts: 1 });
  });

  it('uses the most recently used resident model when the job names none', async () => {
    const scenario = await createGenerationScenario();
    scenario.clock.advance(1000);
    await loadToo(scenario, 'B');
    const { id } = await scenario.queue.start({ prompt: 'x', steps: 1 }, origin);
    expect(scenario.store.records.get(id)?.modelId).toBe('B');
    await settleUntil(() => runnerOf(scenario, 'B').generating !== undefined, 'on B');
    runnerOf(scenario, 'B').requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'done');

    scenario.clock.advance(1000);
    const lease = await scenario.manager.acquire('A', { context: { actor: 'ui' } });
    lease.release();
    await settleUntil(() => scenario.manager.mostRecentlyUsed() === 'A', 'A used last');
    const second = await scenario.queue.start({ prompt: 'y', steps: 1 }, origin);
    expect(scenario.store.records.get(second.id)?.modelId).toBe('A');
  });

  it('refuses a job that names no model with NOT_LOADED when none is resident, storing nothing', async () => {
    const scenario = await createGenerationScenario({ loaded: false });
    const error = await outcomeOf(scenario.queue.start({ prompt: 'x' }, origin));
    expect(isEaselError(error, 'NOT_LOADED')).toBe(true);
    expect(scenario.store.records.size).toBe(0);
  });

  it('refuses a job for an unknown model with NOT_FOUND naming it, storing and loading nothing', async () => {
    const scenario = await createGenerationScenario();
    const error = (await outcomeOf(scenario.queue.start({ prompt: 'x', model: 'nope' }, origin))) as Error;
    expect(isEaselError(error, 'NOT_FOUND')).toBe(true);
    expect(error.message).toContain('"nope"');
    expect(scenario.store.records.size).toBe(0);
    expect(scenario.runners.runners).toHaveLength(1);
  });

  it("stores the job's origin on its row", async () => {
    const scenario = await createGenerationScenario();
    const { id } = await scenario.queue.start({ prompt: 'x', steps: 1 }, { ...admin, requestId: 'req-9' });
    expect(scenario.store.records.get(id)).toMatchObject({ actor: 'script', ownerRole: 'admin', ownerId: 'admin-1' });
  });

  it("applies the job's keep-alive to its model: 0 unloads it once the job ends", async () => {
    const scenario = await createGenerationScenario();
    await scenario.queue.start({ prompt: 'x', steps: 1, model: 'B', keepAlive: 0 }, admin);
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    scenario.runners.loading()!.complete();
    await settleUntil(() => runnerOf(scenario, 'B').generating !== undefined, 'on B');
    expect(scenario.manager.status().models.find((m) => m.modelId === 'B')?.keepAlive).toBe(0);
    scenario.clock.advance(0);
    await settle();
    expect(stateOf(scenario.manager.status(), 'B')).toBe('LOADED');
    runnerOf(scenario, 'B').requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'done');
    scenario.clock.advance(0);
    await settleUntil(() => stateOf(scenario.manager.status(), 'B') === 'IDLE', 'B unloaded after its job');
    expect(stateOf(scenario.manager.status(), 'A')).toBe('LOADED');
  });

  it('withdraws the load a cancelled job was waiting for room for: it is not made later for nobody', async () => {
    const scenario = await createGenerationScenario({ parallel: 2, scenario: { budget: { maxLoaded: 1 } } });
    await scenario.queue.start({ prompt: 'holds A', steps: 1, model: 'A' }, origin);
    await settleUntil(() => scenario.runner().generating !== undefined, 'job-1 running on A');
    const held = scenario.runner();
    await scenario.queue.start({ prompt: 'wants B', steps: 1, model: 'B' }, origin);
    // job-2 has started and waits for room: A is the only slot, and job-1 holds it.
    await settleUntil(() => scenario.logger.messages('info').includes('a load waits for room'), 'job-2 waiting for room');
    expect(scenario.queue.jobs()[1]).toMatchObject({ id: 'job-2', status: 'loading' });
    await scenario.queue.cancel('job-2');
    expect(scenario.events('job-2').at(-1)).toMatchObject({ status: 'cancelled' });
    held.requireGenerating().complete();
    await settleUntil(() => scenario.queue.jobs().length === 0, 'job-1 done');
    for (let i = 0; i < 10; i += 1) await settle();
    expect(stateOf(scenario.manager.status(), 'A')).toBe('LOADED');
    expect(scenario.runners.runners).toHaveLength(1);
  });
});

describe('GenerationQueue when the store fails', () => {
  it("sends the final event to subscribers though the row can't be written, and writes it once the store is back", async () => {
    const scenario = await createGenerationScenario();
    await scenario.queue.start({ prompt: 'x', steps: 2 }, origin);
    await settleUntil(() => scenario.runner().generating !== undefined, 'running');
    scenario.store.failUpdatesWith(new Error('SQLITE_FULL: database or disk is full'));
    scenario.runner().requireGenerating().complete();
    await settleUntil(() => scenario.events('job-1').at(-1)?.status === 'done', 'the done event');
    expect(scenario.queue.jobs()).toEqual([]);
    expect(scenario.store.records.get('job-1')?.status).toBe('running');
    scenario.store.failUpdatesWith(null);
    await expect.poll(() => scenario.store.records.get('job-1')?.status, { timeout: 5000 }).toBe('done');
  });

  it('sends a failure to subscribers though the row cannot be written, and logs the gap once the retries are spent', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const scenario = await createGenerationScenario();
    await scenario.queue.start({ prompt: 'x', steps: 2 }, origin);
    await settleUntil(() => scenario.runner().generating !== undefined, 'running');
    scenario.store.failUpdatesWith(new Error('SQLITE_READONLY'));
    scenario.runner().requireGenerating().fail('onnxruntime: out of memory');
    await settleUntil(() => scenario.events('job-1').at(-1)?.status === 'failed', 'the failed event');
    expect(scenario.events('job-1').at(-1)).toMatchObject({ error: { code: 'GENERATION_FAILED', message: 'onnxruntime: out of memory' } });
    await vi.advanceTimersByTimeAsync(60_000);
    const gap = scenario.logger.entries.find((e) => e.message.startsWith('a generation row could not be written'));
    expect(gap?.fields).toMatchObject({ id: 'job-1', update: { status: 'failed' }, error: expect.stringContaining('SQLITE_READONLY') });
  });
});

describe('GenerationQueue recovery', () => {
  async function leftByACrash(scenario: GenerationScenario, id: string, status: 'queued' | 'running', attempts: number) {
    await scenario.store.create({ id, prompt: 'again', negativePrompt: '', sampler: 'DDIM', steps: 2, guidance: 7.5, seed: 77, width: 64, height: 64, strength: null, modelId: 'A' });
    await scenario.store.update(id, { status, attempts });
    return scenario.store.get(id);
  }

  it('runs a requeued job again with the same seed, raising its attempts', async () => {
    const scenario = await createGenerationScenario();
    const record = await leftByACrash(scenario, 'job-1', 'running', 1);
    await scenario.queue.requeue(record);
    await settleUntil(() => scenario.runner().generating !== undefined, 'running again');
    expect(scenario.runner().requireGenerating().request).toMatchObject({ jobId: 'job-1', seed: 77, prompt: 'again', outputPath: '/data/images/job-1.png' });
    expect(scenario.store.records.get('job-1')).toMatchObject({ status: 'running', attempts: 2 });
    scenario.runner().requireGenerating().complete();
    await settleUntil(() => scenario.events('job-1').at(-1)?.status === 'done', 'done');
    expect(scenario.store.records.get('job-1')?.status).toBe('done');
  });

  it('cancels a recovered job that waits', async () => {
    const scenario = await createGenerationScenario();
    await scenario.queue.start({ prompt: 'first', steps: 2 }, origin);
    await settleUntil(() => scenario.runner().generating !== undefined, 'job-1 running');
    await scenario.queue.requeue(await leftByACrash(scenario, 'job-9', 'queued', 0));
    const { cancelled, generation } = await scenario.queue.cancel('job-9');
    expect(cancelled).toBe(true);
    expect(generation.status).toBe('cancelled');
  });

  it('cancels the row of an unfinished job that is not in memory', async () => {
    const scenario = await createGenerationScenario();
    await leftByACrash(scenario, 'job-5', 'running', 1);
    const { cancelled, generation } = await scenario.queue.cancel('job-5');
    expect(cancelled).toBe(true);
    expect(generation).toMatchObject({ status: 'cancelled', error: 'Cancelled on request' });
  });

  it('abandons a job with a final event and a failed row', async () => {
    const scenario = await createGenerationScenario();
    const record = await leftByACrash(scenario, 'job-2', 'running', 2);
    await scenario.queue.abandon(record, new EaselError('INTERRUPTED', 'interrupted twice'));
    expect(scenario.events('job-2').at(-1)).toEqual({ id: 'job-2', status: 'failed', error: { code: 'INTERRUPTED', message: 'interrupted twice' } });
    expect(scenario.store.records.get('job-2')).toMatchObject({ status: 'failed', error: 'interrupted twice' });
  });
});
