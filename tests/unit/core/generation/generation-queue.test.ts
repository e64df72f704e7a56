import { afterEach, describe, expect, it, vi } from 'vitest';
import { EaselError } from '../../../../server/core/errors.js';
import { createGenerationScenario } from '../../../helpers/generation-scenario.js';
import { outcomeOf, settle } from '../../../helpers/scenario.js';

afterEach(() => {
  vi.useRealTimers();
});

const origin = { actor: 'ui', ownerRole: 'local', ownerId: null } as const;

describe('GenerationQueue.start', () => {
  it('refuses with NOT_LOADED when no model is loaded, persisting nothing', async () => {
    const { queue, store } = await createGenerationScenario({ loaded: false });
    const error = await outcomeOf(queue.start({ prompt: 'a fox' }, origin));
    expect(error).toBeInstanceOf(EaselError);
    expect(error).toMatchObject({ code: 'NOT_LOADED', message: expect.stringMatching(/No model is loaded/) });
    expect(store.records.size).toBe(0);
  });

  it('refuses invalid parameters before persisting anything', async () => {
    const { queue, store } = await createGenerationScenario();
    await expect(queue.start({ prompt: 'a fox', steps: 0 }, origin)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('steps') });
    expect(store.records.size).toBe(0);
  });

  it('persists a job queued, then running, then done with its duration, onnxruntime time and image path', async () => {
    const { queue, store, clock, runner } = await createGenerationScenario();
    const started = await queue.start({ prompt: 'a fox', seed: 5, steps: 4 }, origin);
    expect(started).toEqual({ id: 'job-1', ids: ['job-1'], warnings: [] });
    await settle();
    expect(store.statuses.get('job-1')).toEqual(['queued', 'running']);
    expect(await queue.get('job-1')).toMatchObject({ status: 'running', startedAt: clock.now() });

    clock.advance(1500);
    runner().requireGenerating().complete(1234.6);
    await settle();

    expect(store.statuses.get('job-1')).toEqual(['queued', 'running', 'done']);
    expect(store.records.get('job-1')).toMatchObject({
      status: 'done',
      prompt: 'a fox',
      negativePrompt: '',
      sampler: 'DDIM',
      steps: 4,
      guidance: 7.5,
      seed: 5,
      width: 512,
      height: 512,
      strength: null,
      modelId: 'A',
      durationMs: 1500,
      runMs: 1235,
      imagePath: '/data/images/job-1.png',
      error: null,
      finishedAt: clock.now(),
      attempts: 1,
      actor: 'ui',
      ownerRole: 'local',
      ownerId: null,
    });
  });

  it('hands the runner the resolved request with its output path', async () => {
    const { queue, runner } = await createGenerationScenario();
    await queue.start({ prompt: 'a fox', negativePrompt: 'blur', sampler: 'EULER', steps: 12, guidance: 5, seed: 9, width: 640, height: 384 }, origin);
    await settle();
    expect(runner().requireGenerating().request).toEqual({
      jobId: 'job-1',
      prompt: 'a fox',
      negativePrompt: 'blur',
      sampler: 'EULER',
      steps: 12,
      guidance: 5,
      seed: 9,
      width: 640,
      height: 384,
      outputPath: '/data/images/job-1.png',
      previewEvery: 5,
    });
  });

  it('records the random seed it drew when the request has none', async () => {
    const { queue, store, runner, randomSeed } = await createGenerationScenario();
    await queue.start({ prompt: 'a fox' }, origin);
    await settle();
    expect(store.records.get('job-1')?.seed).toBe(randomSeed);
    expect(runner().requireGenerating().request.seed).toBe(randomSeed);
  });

  it('passes an image-to-image request on with its strength, persisted', async () => {
    const scenario = await createGenerationScenario({ loaded: false });
    const load = scenario.manager.load('A', { actor: 'ui' });
    await settle();
    scenario.runners.latest().complete({ hasVaeEncoder: true });
    await load;
    await scenario.queue.start({ prompt: 'a fox', image: 'data:image/png;base64,iVBORw0KGgo=', strength: 0.6 }, origin);
    await settle();
    expect(scenario.runner().requireGenerating().request).toMatchObject({ initImageBase64: 'iVBORw0KGgo=', strength: 0.6 });
    expect(scenario.store.records.get('job-1')?.strength).toBe(0.6);
  });

  it('queues one job per image with consecutive seeds and returns every id', async () => {
    const { queue, store, runner } = await createGenerationScenario();
    expect(await queue.start({ prompt: 'a fox', seed: 100, count: 3 }, origin)).toEqual({ id: 'job-1', ids: ['job-1', 'job-2', 'job-3'], warnings: [] });
    expect(['job-1', 'job-2', 'job-3'].map((id) => store.records.get(id)?.seed)).toEqual([100, 101, 102]);
    for (const seed of [100, 101, 102]) {
      await settle();
      expect(runner().requireGenerating().request.seed).toBe(seed);
      runner().requireGenerating().complete();
    }
  });
});

describe('GenerationQueue order', () => {
  it('runs one job at a time, first in first out', async () => {
    const { queue, store, runner } = await createGenerationScenario();
    for (const prompt of ['one', 'two', 'three']) await queue.start({ prompt, steps: 2 }, origin);
    await settle();
    expect(queue.queued).toBe(2);
    expect(runner().generations.map((r) => r.jobId)).toEqual(['job-1']);
    expect(store.records.get('job-2')?.status).toBe('queued');

    for (const id of ['job-1', 'job-2', 'job-3']) {
      const generation = runner().requireGenerating();
      expect(generation.request.jobId).toBe(id);
      generation.complete();
      await settle();
    }
    expect(runner().generations.map((r) => r.prompt)).toEqual(['one', 'two', 'three']);
    expect(runner().maxConcurrentGenerations).toBe(1);
    expect(queue.queued).toBe(0);
    expect(['job-1', 'job-2', 'job-3'].map((id) => store.records.get(id)?.status)).toEqual(['done', 'done', 'done']);
  });

  it('is busy while a job runs or waits, and says when the last one has ended', async () => {
    const onDrained = vi.fn();
    const { queue, runner } = await createGenerationScenario({ onDrained });
    expect(queue.busy).toBe(false);
    for (const prompt of ['one', 'two']) await queue.start({ prompt, steps: 2 }, origin);
    await settle();
    expect(queue.busy).toBe(true);
    runner().requireGenerating().complete();
    await settle();
    expect(onDrained).not.toHaveBeenCalled();
    expect(queue.busy).toBe(true);
    runner().requireGenerating().complete();
    await settle();
    expect(onDrained).toHaveBeenCalledTimes(1);
    expect(queue.busy).toBe(false);
  });

  it('reports queued positions that move up as the queue moves, then running steps, then done', async () => {
    const { queue, runner, events, clock } = await createGenerationScenario();
    for (let i = 0; i < 3; i += 1) await queue.start({ prompt: 'a fox', seed: 1, steps: 3 }, origin);
    await settle();
    runner().requireGenerating().advance(1);
    runner().requireGenerating().advance(1, 'UE5HUFJFVklFVw==');
    clock.advance(300);
    runner().requireGenerating().complete(250);
    await settle();

    const queued = (id: string, position: number) => ({ id, status: 'queued', position, step: 0, totalSteps: 3, etaMs: null });
    expect(events('job-1')).toEqual([
      queued('job-1', 1),
      { id: 'job-1', status: 'running', step: 0, totalSteps: 3, etaMs: null },
      { id: 'job-1', status: 'running', step: 1, totalSteps: 3, etaMs: expect.any(Number) },
      { id: 'job-1', status: 'running', step: 2, totalSteps: 3, etaMs: expect.any(Number), previewPng: 'data:image/png;base64,UE5HUFJFVklFVw==' },
      { id: 'job-1', status: 'running', step: 3, totalSteps: 3, etaMs: 0 },
      { id: 'job-1', status: 'done', done: true, imageUrl: '/images/job-1.png', seed: 1, durationMs: 300, runMs: 250 },
    ]);
    // A waiting job is told its position again whenever the line changes; what matters is that it only moves up.
    const job2 = events('job-2').filter((event, i, all) => JSON.stringify(event) !== JSON.stringify(all[i - 1]));
    expect(job2.slice(0, 2)).toEqual([queued('job-2', 1), { id: 'job-2', status: 'running', step: 0, totalSteps: 3, etaMs: null }]);
    expect(events('job-3')).toEqual([queued('job-3', 2), queued('job-3', 1)]);
  });

  it('estimates the time left from the average step so far', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { queue, runner, events } = await createGenerationScenario();
    await queue.start({ prompt: 'a fox', steps: 4 }, origin);
    await settle();
    for (const ms of [100, 300, 200]) {
      vi.advanceTimersByTime(ms);
      runner().requireGenerating().advance(1);
    }
    const etas = events('job-1').flatMap((e) => (e.status === 'running' ? [e.etaMs] : []));
    // 100 ms for 1 step → 3 × 100 left; 400 ms for 2 → 2 × 200; 600 ms for 3 → 1 × 200.
    expect(etas).toEqual([null, 300, 400, 200]);
  });
});

describe('GenerationQueue bound', () => {
  it('refuses a job with BUSY once the queue is full, not counting the running one', async () => {
    const { queue, store } = await createGenerationScenario({ limit: 2 });
    for (let i = 0; i < 3; i += 1) await queue.start({ prompt: 'a fox' }, origin);
    const error = await outcomeOf(queue.start({ prompt: 'one too many' }, origin));
    expect(error).toBeInstanceOf(EaselError);
    expect(error).toMatchObject({ code: 'BUSY', message: 'The queue is full (2 of 2 jobs waiting); wait for some to finish or cancel them' });
    expect(store.records.size).toBe(3);
  });

  it('refuses as a whole a count that does not fit, and accepts one that does', async () => {
    const { queue, store } = await createGenerationScenario({ limit: 3 });
    await queue.start({ prompt: 'running' }, origin);
    await queue.start({ prompt: 'waiting' }, origin);
    await expect(queue.start({ prompt: 'three more', count: 3 }, origin)).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining('1 of 3 jobs waiting') });
    expect(store.records.size).toBe(2);
    expect((await queue.start({ prompt: 'two more', count: 2 }, origin)).ids).toHaveLength(2);
    expect(queue.queued).toBe(3);
  });

  it('counts jobs still being persisted against the bound', async () => {
    const { queue, store } = await createGenerationScenario({ limit: 3 });
    const release = store.holdCreates();
    const first = queue.start({ prompt: 'first', count: 2 }, origin);
    await expect(queue.start({ prompt: 'second', count: 2 }, origin)).rejects.toMatchObject({ code: 'BUSY' });
    release();
    expect((await first).ids).toEqual(['job-1', 'job-2']);
  });

  it('frees a place as soon as a job starts running', async () => {
    const { queue, runner } = await createGenerationScenario({ limit: 1 });
    await queue.start({ prompt: 'running' }, origin);
    await queue.start({ prompt: 'waiting' }, origin);
    await expect(queue.start({ prompt: 'refused' }, origin)).rejects.toMatchObject({ code: 'BUSY' });
    await settle();
    runner().requireGenerating().complete();
    await settle();
    expect((await queue.start({ prompt: 'accepted' }, origin)).id).toBe('job-3');
  });
});

describe('GenerationQueue.get, lastEvent and subscribe', () => {
  it('shows a done job with its image URL instead of its file path', async () => {
    const { queue, runner } = await createGenerationScenario();
    await queue.start({ prompt: 'a fox', seed: 3 }, origin);
    await settle();
    runner().requireGenerating().complete();
    await settle();
    const view = await queue.get('job-1');
    expect(view).toMatchObject({ id: 'job-1', status: 'done', seed: 3, sampler: 'DDIM', steps: 25, imageUrl: '/images/job-1.png' });
    expect(view).not.toHaveProperty('imagePath');
  });

  it('refuses an unknown id with NOT_FOUND', async () => {
    const { queue } = await createGenerationScenario();
    await expect(queue.get('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the latest event of a job until it ends, for a subscriber that comes late', async () => {
    const { queue, runner } = await createGenerationScenario();
    await queue.start({ prompt: 'a', steps: 5 }, origin);
    await queue.start({ prompt: 'b', steps: 5 }, origin);
    expect(queue.lastEvent('job-2')).toMatchObject({ status: 'queued', position: 1 });
    await settle();
    runner().requireGenerating().advance(2);
    expect(queue.lastEvent('job-1')).toMatchObject({ status: 'running', step: 2, totalSteps: 5 });
    runner().requireGenerating().complete();
    await settle();
    expect(queue.lastEvent('job-1')).toBeUndefined();
    expect(queue.lastEvent('job-2')).toMatchObject({ status: 'running', step: 0 });
  });

  it('sends a subscriber only what happens after it subscribes, until it unsubscribes', async () => {
    const { queue, runner } = await createGenerationScenario();
    await queue.start({ prompt: 'a', steps: 5 }, origin);
    await settle();
    const seen: number[] = [];
    const off = queue.subscribe('job-1', (event) => {
      if (event.status === 'running') seen.push(event.step);
    });
    runner().requireGenerating().advance(2);
    off();
    runner().requireGenerating().advance(1);
    expect(seen).toEqual([1, 2]);
  });
});
