import { describe, expect, it } from 'vitest';
import { createGenerationScenario } from '../../../helpers/generation-scenario.js';
import { settle, stateOf } from '../../../helpers/scenario.js';

const origin = { actor: 'ui', ownerRole: 'local', ownerId: null } as const;

const cancelledEvent = (id: string, message: string | RegExp) => ({
  id,
  status: 'cancelled',
  error: { code: 'CANCELLED', message: typeof message === 'string' ? message : expect.stringMatching(message) },
});

describe('GenerationQueue.cancel', () => {
  it('removes a queued job, marks it cancelled and moves the jobs behind it up', async () => {
    const { queue, store, runner, events } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt }, origin);
    await settle();

    const result = await queue.cancel('job-2');
    expect(result).toEqual({ cancelled: true, generation: expect.objectContaining({ id: 'job-2', status: 'cancelled', error: 'Cancelled on request' }) });
    expect(store.statuses.get('job-2')).toEqual(['queued', 'cancelled']);
    expect(events('job-2').at(-1)).toEqual(cancelledEvent('job-2', 'Cancelled on request'));
    expect(events('job-3').at(-1)).toMatchObject({ status: 'queued', position: 1 });
    expect(queue.queued).toBe(1);

    runner().requireGenerating().complete();
    await settle();
    expect(runner().requireGenerating().request.jobId).toBe('job-3');
    expect(runner().generations.map((r) => r.jobId)).toEqual(['job-1', 'job-3']);
  });

  it('aborts a running job, which ends cancelled with the reason, and starts the next one', async () => {
    const { queue, store, runner, events } = await createGenerationScenario();
    await queue.start({ prompt: 'one', steps: 10 }, origin);
    await queue.start({ prompt: 'two' }, origin);
    await settle();
    const held = runner().requireGenerating();
    held.advance(3);

    const result = await queue.cancel('job-1', 'Stopped from the admin page');
    expect(held.settled).toBe('cancelled');
    expect(result).toEqual({ cancelled: true, generation: expect.objectContaining({ status: 'cancelled', error: 'Stopped from the admin page' }) });
    expect(store.statuses.get('job-1')).toEqual(['queued', 'running', 'cancelled']);
    expect(store.records.get('job-1')).toMatchObject({ imagePath: null, durationMs: 0, runMs: null });
    expect(events('job-1').at(-1)).toEqual(cancelledEvent('job-1', 'Stopped from the admin page'));

    await settle();
    expect(runner().requireGenerating().request.jobId).toBe('job-2');
    expect(runner().maxConcurrentGenerations).toBe(1);
  });

  it('answers cancelled: false for a job that already ended, leaving it as it was', async () => {
    const { queue, runner } = await createGenerationScenario();
    await queue.start({ prompt: 'one' }, origin);
    await settle();
    runner().requireGenerating().complete();
    await settle();
    expect(await queue.cancel('job-1')).toEqual({ cancelled: false, generation: expect.objectContaining({ status: 'done', imageUrl: '/images/job-1.png' }) });
  });

  it('refuses to cancel an unknown job with NOT_FOUND', async () => {
    const { queue } = await createGenerationScenario();
    await expect(queue.cancel('job-404')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('GenerationQueue failures', () => {
  it('marks a job the runner fails as failed with its error, then runs the next one', async () => {
    const { queue, store, runner, events } = await createGenerationScenario();
    await queue.start({ prompt: 'one' }, origin);
    await queue.start({ prompt: 'two' }, origin);
    await settle();
    runner().requireGenerating().fail('unet: out of memory');
    await settle();

    expect(await queue.get('job-1')).toMatchObject({ status: 'failed', error: 'unet: out of memory' });
    expect(store.records.get('job-1')).toMatchObject({ imagePath: null, runMs: null });
    expect(events('job-1').at(-1)).toEqual({ id: 'job-1', status: 'failed', error: { code: 'GENERATION_FAILED', message: 'unet: out of memory' } });
    runner().requireGenerating().complete();
    await settle();
    expect(store.records.get('job-2')?.status).toBe('done');
  });

  it('cancels the running job and every queued one when the model is unloaded, saying so', async () => {
    const { queue, store, runner, manager, events } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt }, origin);
    await settle();
    const held = runner().requireGenerating();

    await manager.unload({ actor: 'ui' }, 'A');
    await settle();

    expect(held.settled).toBe('cancelled');
    for (const id of ['job-1', 'job-2', 'job-3']) {
      expect(store.records.get(id)).toMatchObject({ status: 'cancelled', error: 'The model "A" was unloaded by request' });
      expect(events(id).at(-1)).toEqual(cancelledEvent(id, 'The model "A" was unloaded by request'));
    }
    expect(manager.status().models).toEqual([]);
    expect(runner().generations.map((r) => r.jobId)).toEqual(['job-1']);
    expect(queue.queued).toBe(0);
    await expect(queue.start({ prompt: 'after' }, origin)).rejects.toMatchObject({ code: 'NOT_LOADED' });
  });

  it('with room for one model, lets the jobs on the loaded one end before another model evicts it, then runs new ones on the new model', async () => {
    const { queue, store, runners, manager, audit } = await createGenerationScenario({ scenario: { budget: { maxLoaded: 1 } } });
    await queue.start({ prompt: 'one' }, origin);
    await queue.start({ prompt: 'two' }, origin);
    await settle();
    const first = runners.latest();

    const load = manager.load('B', { actor: 'ui' });
    await settle();
    expect(runners.runners).toEqual([first]);
    for (const id of ['job-1', 'job-2']) {
      first.requireGenerating().complete();
      await settle();
      expect(store.records.get(id)?.status).toBe('done');
    }
    await settle();
    expect(first.alive).toBe(false);
    runners.latest().complete();
    await load;

    expect(audit.records.map((r) => `${r.reason} ${r.modelId}`).slice(2)).toEqual(['EVICTED A', 'UNLOAD_COMPLETED A', 'LOAD_REQUESTED B', 'LOAD_COMPLETED B']);
    await queue.start({ prompt: 'three' }, origin);
    await settle();
    expect(runners.latest().requireGenerating().request.jobId).toBe('job-3');
    expect(store.records.get('job-3')?.modelId).toBe('B');
  });

  it('fails the running job with the crash when the runner dies; the queued ones load the model again and run', async () => {
    const { queue, store, runners, audit, events } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt }, origin);
    await settle();
    const crashed = runners.latest();

    crashed.crash({ code: null, signal: 'SIGSEGV' });
    await settle();
    await settle();

    // The runner rejects the generation in flight as soon as its process is gone: that job failed, not cancelled.
    expect(store.records.get('job-1')).toMatchObject({ status: 'failed', error: expect.stringMatching(/SIGSEGV/) });
    expect(events('job-1').at(-1)).toMatchObject({ status: 'failed', error: { code: 'RUNNER_CRASHED' } });
    expect(audit.records.map((r) => r.reason).slice(2)).toEqual(['RUNNER_CRASHED', 'LOAD_REQUESTED']);
    expect(store.records.get('job-2')?.status).toBe('loading');
    expect(events('job-2').at(-1)).toMatchObject({ status: 'loading', modelId: 'A' });
    const reloaded = runners.latest();
    expect(reloaded).not.toBe(crashed);
    reloaded.complete();
    for (const id of ['job-2', 'job-3']) {
      await settle();
      reloaded.requireGenerating().complete();
      await settle();
      expect(store.records.get(id)?.status).toBe('done');
    }
    expect(crashed.generations.map((r) => r.jobId)).toEqual(['job-1']);
    expect(reloaded.generations.map((r) => r.jobId)).toEqual(['job-2', 'job-3']);
  });

  it('gives the next job no lease on a dead runner: it waits until a slow crash record lands, then for a new load', async () => {
    const { queue, store, runners, manager, audit } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt }, origin);
    await settle();
    const crashed = runners.latest();

    const release = audit.hold();
    crashed.crash({ code: null, signal: 'SIGSEGV' });
    await settle();
    await settle();
    expect(store.records.get('job-1')?.status).toBe('failed');
    expect(store.records.get('job-2')?.status).not.toBe('running');
    expect(runners.runners).toEqual([crashed]);
    release();
    await settle();
    await settle();

    expect(audit.records.map((r) => r.reason)).toContain('RUNNER_CRASHED');
    expect(stateOf(manager.status(), 'A')).toBe('LOADING');
    expect(crashed.generations.map((r) => r.jobId)).toEqual(['job-1']);
    runners.latest().complete();
    await settle();
    expect(runners.latest().requireGenerating().request.jobId).toBe('job-2');
  });

  it('loads the model again for a job whose model was unloaded while the job was being persisted', async () => {
    const { queue, store, manager, runners } = await createGenerationScenario();
    const release = store.holdCreates();
    const started = queue.start({ prompt: 'one' }, origin);
    await settle();
    await manager.unload({ actor: 'ui' }, 'A');
    release();
    expect((await started).id).toBe('job-1');
    await settle();
    expect(store.statuses.get('job-1')).toEqual(['queued', 'loading']);
    expect(stateOf(manager.status(), 'A')).toBe('LOADING');
    runners.latest().complete();
    await settle();
    expect(runners.latest().requireGenerating().request.jobId).toBe('job-1');
    expect(store.statuses.get('job-1')).toEqual(['queued', 'loading', 'running']);
  });
});
