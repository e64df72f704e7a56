import { describe, expect, it } from 'vitest';
import { createGenerationScenario } from '../../../helpers/generation-scenario.js';
import { settle } from '../../../helpers/scenario.js';

const cancelledEvent = (id: string, message: string | RegExp) => ({
  id,
  status: 'cancelled',
  error: { code: 'CANCELLED', message: typeof message === 'string' ? message : expect.stringMatching(message) },
});

describe('GenerationQueue.cancel', () => {
  it('removes a queued job, marks it cancelled and moves the jobs behind it up', async () => {
    const { queue, store, runner, events } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt });
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
    await queue.start({ prompt: 'one', steps: 10 });
    await queue.start({ prompt: 'two' });
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
    await queue.start({ prompt: 'one' });
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
    await queue.start({ prompt: 'one' });
    await queue.start({ prompt: 'two' });
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
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt });
    await settle();
    const held = runner().requireGenerating();

    await manager.unload({ actor: 'ui' });
    await settle();

    expect(held.settled).toBe('cancelled');
    for (const id of ['job-1', 'job-2', 'job-3']) {
      expect(store.records.get(id)).toMatchObject({ status: 'cancelled', error: 'The model was unloaded' });
      expect(events(id).at(-1)).toEqual(cancelledEvent(id, 'The model was unloaded'));
    }
    expect(runner().generations.map((r) => r.jobId)).toEqual(['job-1']);
    expect(queue.queued).toBe(0);
    await expect(queue.start({ prompt: 'after' })).rejects.toMatchObject({ code: 'NOT_LOADED' });
  });

  it('cancels every job when another model is loaded in its place, and runs new ones on the new model', async () => {
    const { queue, store, runners, manager } = await createGenerationScenario();
    await queue.start({ prompt: 'one' });
    await queue.start({ prompt: 'two' });
    await settle();
    const first = runners.latest();

    const load = manager.load('B', { actor: 'ui' });
    await settle();
    runners.latest().complete();
    await load;

    expect(first.alive).toBe(false);
    for (const id of ['job-1', 'job-2']) expect(store.records.get(id)).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/unloaded/) });
    await queue.start({ prompt: 'three' });
    await settle();
    expect(runners.latest().requireGenerating().request.jobId).toBe('job-3');
    expect(store.records.get('job-3')?.modelId).toBe('B');
  });

  it('fails the running job and cancels the queued ones with the crash as the reason when the runner dies', async () => {
    const { queue, store, runner, manager, events } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt });
    await settle();

    runner().crash({ code: null, signal: 'SIGSEGV' });
    await settle();
    await settle();

    expect(manager.status()).toMatchObject({ state: 'ERROR' });
    // The runner rejects the generation in flight as soon as its process is gone: that job failed, not cancelled.
    expect(store.records.get('job-1')).toMatchObject({ status: 'failed', error: expect.stringMatching(/SIGSEGV/) });
    expect(events('job-1').at(-1)).toMatchObject({ status: 'failed', error: { code: 'RUNNER_CRASHED' } });
    for (const id of ['job-2', 'job-3']) {
      expect(store.records.get(id)).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/stopped.*SIGSEGV/) });
      expect(events(id).at(-1)).toEqual(cancelledEvent(id, /stopped.*SIGSEGV/));
    }
    expect(runner().generations.map((r) => r.jobId)).toEqual(['job-1']);
  });

  it('holds the queued jobs until a slow crash record lands, so they end with the crash as the reason', async () => {
    const { queue, store, runner, manager, audit } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt });
    await settle();

    const release = audit.hold();
    runner().crash({ code: null, signal: 'SIGSEGV' });
    await settle();
    await settle();
    expect(store.records.get('job-2')?.status).toBe('queued');
    release();
    await settle();
    await settle();

    expect(manager.status()).toMatchObject({ state: 'ERROR' });
    for (const id of ['job-2', 'job-3']) {
      expect(store.records.get(id)).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/stopped.*SIGSEGV/) });
    }
    expect(runner().generations.map((r) => r.jobId)).toEqual(['job-1']);
  });

  it('cancels a job whose model went away while it was being persisted', async () => {
    const { queue, store, manager } = await createGenerationScenario();
    const release = store.holdCreates();
    const started = queue.start({ prompt: 'one' });
    await settle();
    await manager.unload({ actor: 'ui' });
    release();
    expect((await started).id).toBe('job-1');
    await settle();
    expect(store.records.get('job-1')).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/unloaded/) });
  });
});
