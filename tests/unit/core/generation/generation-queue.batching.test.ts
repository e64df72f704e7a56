// Batching in the GenerationQueue (issue #16): with deps.batchLimit(model) > 1, compatible waiting jobs start as one
// group under one lease (one generateBatch call when the runner can batch, else one by one); `parallel` counts
// groups; each job keeps its own events, row, cancel and result. A real ModelManager over the fake runner (held
// generations the test completes), an in-memory store.
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../../server/core/lease.js';
import type { FakeRunner } from '../../../helpers/fake-runner.js';
import type { HeldGeneration } from '../../../helpers/held-generation.js';
import { createGenerationScenario, type GenerationScenario, type GenerationScenarioOptions } from '../../../helpers/generation-scenario.js';
import { runnerOf, settle, settleUntil, stateOf } from '../../../helpers/scenario.js';

const origin = { actor: 'ui', ownerRole: 'local', ownerId: null } as const;

/** A scenario with model A loaded, its runner able to batch unless `batch: false`. */
function batching(options: GenerationScenarioOptions & { batch?: boolean } = {}): Promise<GenerationScenario> {
  const { batch = true, ...rest } = options;
  return createGenerationScenario({ limit: 16, ...rest, scenario: { ...rest.scenario, runner: { batch, ...rest.scenario?.runner } } });
}

/** The generations `runner` holds that have not ended, in the order they were asked for. */
function inFlight(runner: FakeRunner): HeldGeneration[] {
  return runner.held.filter((generation) => generation.settled === null);
}

function heldFor(runner: FakeRunner, id: string): HeldGeneration {
  const generation = inFlight(runner).find((g) => g.request.jobId === id);
  if (!generation) throw new Error(`no generation of ${id} in flight on runner ${runner.pid}`);
  return generation;
}

/** Starts job-1 (2 steps) and waits until it runs: it keeps the one slot busy while the test queues more. */
async function startBlocker(scenario: GenerationScenario, model = 'A'): Promise<HeldGeneration> {
  await scenario.queue.start({ prompt: 'blocker', steps: 2, model }, origin);
  await settleUntil(() => runnerOf(scenario, model).generating !== undefined, 'the blocker running');
  return runnerOf(scenario, model).requireGenerating();
}

const jobIds = (requests: ReadonlyArray<{ jobId: string }>) => requests.map((r) => r.jobId);

describe('GenerationQueue batching', () => {
  it('starts the first 4 of 5 compatible waiting jobs as one batch, all running at once, and the 5th after them', async () => {
    const scenario = await batching({ batchLimit: 4 });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    expect((await scenario.queue.start({ prompt: 'a fox', steps: 2, seed: 10, count: 5 }, origin)).ids).toEqual(['job-2', 'job-3', 'job-4', 'job-5', 'job-6']);
    await settle();
    expect(scenario.queue.queued).toBe(5);

    blocker.complete();
    await settleUntil(() => inFlight(runner).length === 4, 'the batch running');
    expect(runner.batches.map(jobIds)).toEqual([['job-2', 'job-3', 'job-4', 'job-5']]);
    expect(runner.batches[0]!.map((r) => r.seed)).toEqual([10, 11, 12, 13]);
    expect(runner.maxConcurrentGenerations).toBe(4);
    expect(scenario.queue.jobs().map((j) => [j.id, j.status, j.position])).toEqual([
      ['job-2', 'running', 0],
      ['job-3', 'running', 0],
      ['job-4', 'running', 0],
      ['job-5', 'running', 0],
      ['job-6', 'queued', 1],
    ]);
    expect(scenario.manager.status().models.find((m) => m.modelId === 'A')?.jobs).toEqual({ running: 4, queued: 1 });
    for (const id of ['job-2', 'job-3', 'job-4', 'job-5']) {
      expect(scenario.store.statuses.get(id)).toEqual(['queued', 'running']);
      expect(scenario.events(id).at(-1)).toEqual({ id, status: 'running', step: 0, totalSteps: 2, etaMs: null });
    }
    expect(scenario.store.statuses.get('job-6')).toEqual(['queued']);

    // Each job of the batch ends on its own; the 5th waits until the whole batch has ended.
    for (const id of ['job-4', 'job-2', 'job-5']) heldFor(runner, id).complete();
    await settle();
    expect(['job-2', 'job-4', 'job-5'].map((id) => scenario.store.records.get(id)?.status)).toEqual(['done', 'done', 'done']);
    expect(scenario.store.records.get('job-3')?.status).toBe('running');
    expect(inFlight(runner).map((g) => g.request.jobId)).toEqual(['job-3']);
    heldFor(runner, 'job-3').complete();

    await settleUntil(() => runner.generating?.request.jobId === 'job-6', 'job-6 running');
    expect(runner.batches).toHaveLength(1);
    runner.requireGenerating().complete();
    await settleUntil(() => !scenario.queue.busy, 'all done');
    for (const [i, id] of ['job-2', 'job-3', 'job-4', 'job-5', 'job-6'].entries()) {
      expect(scenario.store.records.get(id)).toMatchObject({ status: 'done', imagePath: `/data/images/${id}.png`, seed: 10 + i, attempts: 1 });
      expect(scenario.events(id).at(-1)).toMatchObject({ id, status: 'done', imageUrl: `/images/${id}.png`, seed: 10 + i });
    }
  });

  it("starts one request's images as one batch on an idle queue", async () => {
    const scenario = await batching({ batchLimit: 4 });
    await scenario.queue.start({ prompt: 'a fox', steps: 2, count: 4 }, origin);
    await settleUntil(() => inFlight(scenario.runner()).length === 4, 'the batch running');
    expect(scenario.runner().batches.map(jobIds)).toEqual([['job-1', 'job-2', 'job-3', 'job-4']]);
    expect(scenario.runner().generations).toHaveLength(4);
  });

  it('with 5 compatible jobs queued while the model loads, loads it once for the first 4, which start together, then runs the 5th', async () => {
    const scenario = await batching({ batchLimit: 4, loaded: false });
    await scenario.queue.start({ prompt: 'a fox', steps: 2, count: 5, model: 'A' }, origin);
    await settleUntil(() => scenario.runners.loading() !== undefined, 'A loading');
    expect(scenario.queue.jobs().map((j) => [j.id, j.status])).toEqual([
      ['job-1', 'loading'],
      ['job-2', 'loading'],
      ['job-3', 'loading'],
      ['job-4', 'loading'],
      ['job-5', 'queued'],
    ]);
    for (const id of ['job-1', 'job-2', 'job-3', 'job-4']) expect(scenario.store.statuses.get(id)).toEqual(['queued', 'loading']);
    expect(scenario.store.statuses.get('job-5')).toEqual(['queued']);

    scenario.runners.loading()!.complete();
    const runner = scenario.runner();
    await settleUntil(() => inFlight(runner).length === 4, 'the batch running');
    expect(scenario.runners.runners).toHaveLength(1);
    expect(runner.requests).toHaveLength(1);
    expect(runner.batches.map(jobIds)).toEqual([['job-1', 'job-2', 'job-3', 'job-4']]);
    expect(scenario.queue.jobs().map((j) => j.status)).toEqual(['running', 'running', 'running', 'running', 'queued']);
    for (const generation of inFlight(runner)) generation.complete();
    await settleUntil(() => runner.generating?.request.jobId === 'job-5', 'job-5 running');
    expect(inFlight(runner)).toHaveLength(1);
    runner.requireGenerating().complete();
    await settleUntil(() => !scenario.queue.busy, 'all done');
    for (let i = 1; i <= 5; i += 1) expect(scenario.store.statuses.get(`job-${i}`)?.at(-1)).toBe('done');
  });

  it("sends each job of a batch its own steps, preview and result", async () => {
    const scenario = await batching({ batchLimit: 2 });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'a fox', steps: 3, seed: 1, count: 2 }, origin);
    blocker.complete();
    await settleUntil(() => inFlight(runner).length === 2, 'the batch running');

    heldFor(runner, 'job-2').advance(2, 'UFJFVklFVw==');
    heldFor(runner, 'job-3').advance(1);
    scenario.clock.advance(400);
    heldFor(runner, 'job-3').complete(300);
    await settle();

    expect(scenario.events('job-2').filter((e) => e.status === 'running').map((e) => ('previewPng' in e ? `${e.step}+preview` : e.step))).toEqual([0, 1, '2+preview']);
    expect(scenario.events('job-2').at(-1)).toMatchObject({ status: 'running', step: 2 });
    expect(scenario.events('job-3').filter((e) => e.status === 'running').map((e) => e.step)).toEqual([0, 1, 2, 3]);
    expect(scenario.events('job-3').at(-1)).toEqual({ id: 'job-3', status: 'done', done: true, imageUrl: '/images/job-3.png', seed: 2, durationMs: 400, runMs: 300 });
    expect(scenario.queue.lastEvent('job-2')).toMatchObject({ status: 'running', step: 2 });
    expect(scenario.queue.jobs().map((j) => [j.id, j.status, j.step])).toEqual([['job-2', 'running', 2]]);
    heldFor(runner, 'job-2').complete();
    await settleUntil(() => !scenario.queue.busy, 'both done');
    expect(scenario.store.records.get('job-2')).toMatchObject({ status: 'done', durationMs: 400 });
  });

  it('writes each job of a batch running with the same start, its attempts and the node', async () => {
    const scenario = await batching({ batchLimit: 3, nodeName: 'gpu-a' });
    const blocker = await startBlocker(scenario);
    scenario.clock.advance(5000);
    await scenario.queue.start({ prompt: 'a fox', steps: 2, count: 3 }, origin);
    blocker.complete();
    await settleUntil(() => inFlight(scenario.runner()).length === 3, 'the batch running');
    for (const id of ['job-2', 'job-3', 'job-4']) {
      expect(scenario.store.records.get(id)).toMatchObject({ status: 'running', startedAt: scenario.clock.now(), attempts: 1, node: 'gpu-a' });
      expect(await scenario.queue.get(id)).toMatchObject({ status: 'running', attempts: 1, node: 'gpu-a' });
    }
    expect(scenario.queue.jobs().map((j) => j.node)).toEqual(['gpu-a', 'gpu-a', 'gpu-a']);
  });

  it('batches only the jobs with the same steps and size, and runs an image-to-image job alone', async () => {
    const scenario = await batching({ batchLimit: 4, loaded: false });
    const load = scenario.manager.load('A', { actor: 'ui' });
    await settle();
    scenario.runners.latest().complete({ hasVaeEncoder: true });
    await load;
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    await scenario.queue.start({ prompt: 'lead', steps: 2 }, origin); // job-2
    await scenario.queue.start({ prompt: 'more steps', steps: 3 }, origin); // job-3
    await scenario.queue.start({ prompt: 'wider', steps: 2, width: 640 }, origin); // job-4
    await scenario.queue.start({ prompt: 'from an image', steps: 2, image, strength: 0.5 }, origin); // job-5
    await scenario.queue.start({ prompt: 'from an image too', steps: 2, image, strength: 0.5 }, origin); // job-6
    await scenario.queue.start({ prompt: 'taller', steps: 2, height: 640 }, origin); // job-7
    await scenario.queue.start({ prompt: 'joins the lead', steps: 2, seed: 3 }, origin); // job-8

    blocker.complete();
    const started: string[][] = [];
    for (let round = 0; round < 6; round += 1) {
      await settleUntil(() => inFlight(runner).length > 0, `round ${round} running`);
      const group = inFlight(runner);
      started.push(group.map((g) => g.request.jobId));
      for (const generation of group) generation.complete();
    }
    await settleUntil(() => !scenario.queue.busy, 'all done');
    expect(started).toEqual([['job-2', 'job-8'], ['job-3'], ['job-4'], ['job-5'], ['job-6'], ['job-7']]);
    expect(runner.batches.map(jobIds)).toEqual([['job-2', 'job-8']]);
    expect(runner.generations.find((r) => r.jobId === 'job-5')).toMatchObject({ initImageBase64: 'iVBORw0KGgo=', strength: 0.5 });
    for (let i = 2; i <= 8; i += 1) expect(scenario.store.records.get(`job-${i}`)?.status).toBe('done');
  });

  it('fills a batch in line order, and the jobs passed over start next, in their order', async () => {
    const scenario = await batching({ batchLimit: 3 });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    for (const steps of [2, 5, 2, 5, 2, 2]) await scenario.queue.start({ prompt: `${steps} steps`, steps }, origin); // job-2 … job-7
    blocker.complete();
    const started: string[][] = [];
    for (let round = 0; round < 3; round += 1) {
      await settleUntil(() => inFlight(runner).length > 0, `round ${round} running`);
      started.push(inFlight(runner).map((g) => g.request.jobId));
      for (const generation of inFlight(runner)) generation.complete();
    }
    expect(started).toEqual([['job-2', 'job-4', 'job-6'], ['job-3', 'job-5'], ['job-7']]);
  });

  it.each([
    ['absent', undefined],
    ['1', 1],
  ])('with batchLimit %s, runs compatible jobs one at a time as before', async (_, batchLimit) => {
    const scenario = await batching(batchLimit === undefined ? {} : { batchLimit });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'a fox', steps: 2, count: 3 }, origin);
    blocker.complete();
    for (const id of ['job-2', 'job-3', 'job-4']) {
      await settleUntil(() => runner.generating?.request.jobId === id, `${id} running`);
      expect(scenario.queue.jobs().filter((j) => j.status === 'running').map((j) => j.id)).toEqual([id]);
      runner.requireGenerating().complete();
    }
    await settleUntil(() => !scenario.queue.busy, 'all done');
    expect(runner.batches).toEqual([]);
    expect(runner.maxConcurrentGenerations).toBe(1);
    expect(runner.generations.map((r) => r.jobId)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
  });

  it('asks batchLimit for the model of the job that starts: one model batches, another does not', async () => {
    const asked = new Set<string>();
    const scenario = await batching({
      batchLimit: (modelId) => {
        asked.add(modelId);
        return modelId === 'B' ? 3 : 1;
      },
    });
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'on A', steps: 2, count: 2, model: 'A' }, origin); // job-2, job-3
    await scenario.queue.start({ prompt: 'on B', steps: 2, count: 2, model: 'B' }, origin); // job-4, job-5
    blocker.complete();
    for (const id of ['job-2', 'job-3']) {
      await settleUntil(() => runnerOf(scenario, 'A').generating?.request.jobId === id, `${id} running alone on A`);
      expect(inFlight(runnerOf(scenario, 'A'))).toHaveLength(1);
      runnerOf(scenario, 'A').requireGenerating().complete();
    }
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    scenario.runners.loading()!.complete();
    await settleUntil(() => inFlight(runnerOf(scenario, 'B')).length === 2, 'the batch running on B');
    expect(runnerOf(scenario, 'A').batches).toEqual([]);
    expect(runnerOf(scenario, 'B').batches.map(jobIds)).toEqual([['job-4', 'job-5']]);
    expect([...asked].sort()).toEqual(['A', 'B']);
  });
});

describe('GenerationQueue batching and parallel', () => {
  it('counts groups, not jobs, against parallel: two batches on two models run at once', async () => {
    const scenario = await batching({ batchLimit: 4, parallel: 2 });
    const load = scenario.manager.load('B', { actor: 'ui' });
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    scenario.runners.loading()!.complete();
    await load;
    const blockerA = await startBlocker(scenario, 'A');
    await scenario.queue.start({ prompt: 'blocker on B', steps: 2, model: 'B' }, origin);
    await settleUntil(() => runnerOf(scenario, 'B').generating !== undefined, 'the blocker on B running');
    const blockerB = runnerOf(scenario, 'B').requireGenerating();
    await scenario.queue.start({ prompt: 'on A', steps: 2, count: 2, model: 'A' }, origin); // job-3, job-4
    await scenario.queue.start({ prompt: 'on B', steps: 2, count: 2, model: 'B' }, origin); // job-5, job-6
    await scenario.queue.start({ prompt: 'on C', steps: 2, model: 'C' }, origin); // job-7

    blockerA.complete();
    blockerB.complete();
    await settleUntil(() => inFlight(runnerOf(scenario, 'A')).length === 2 && inFlight(runnerOf(scenario, 'B')).length === 2, 'both batches running');
    expect(runnerOf(scenario, 'A').batches.map(jobIds)).toEqual([['job-3', 'job-4']]);
    expect(runnerOf(scenario, 'B').batches.map(jobIds)).toEqual([['job-5', 'job-6']]);
    for (let i = 0; i < 5; i += 1) await settle();
    // Four jobs run, but only two groups: job-7's model is not even being loaded.
    expect(scenario.queue.jobs().map((j) => [j.id, j.status])).toEqual([
      ['job-3', 'running'],
      ['job-4', 'running'],
      ['job-5', 'running'],
      ['job-6', 'running'],
      ['job-7', 'queued'],
    ]);
    expect(scenario.runners.loading()).toBeUndefined();

    // The slot comes free only once every job of one batch has ended.
    heldFor(runnerOf(scenario, 'A'), 'job-3').complete();
    for (let i = 0; i < 5; i += 1) await settle();
    expect(scenario.runners.loading()).toBeUndefined();
    heldFor(runnerOf(scenario, 'A'), 'job-4').complete();
    await settleUntil(() => scenario.runners.loading() !== undefined, 'C loading for job-7');
    expect(scenario.queue.jobs().find((j) => j.id === 'job-7')?.status).toBe('loading');
  });
});

describe('GenerationQueue batching and cancel', () => {
  it('cancels only the job asked for in a running batch: the others end done and the next job waits for them', async () => {
    const scenario = await batching({ batchLimit: 3 });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'a fox', steps: 4, count: 4 }, origin); // job-2 … job-5
    blocker.complete();
    await settleUntil(() => inFlight(runner).length === 3, 'the batch running');
    for (const generation of inFlight(runner)) generation.advance(1);

    const result = await scenario.queue.cancel('job-3', 'Not this one');
    expect(result).toEqual({ cancelled: true, generation: expect.objectContaining({ id: 'job-3', status: 'cancelled', error: 'Not this one' }) });
    expect(runner.held.find((g) => g.request.jobId === 'job-3')?.settled).toBe('cancelled');
    expect(inFlight(runner).map((g) => g.request.jobId)).toEqual(['job-2', 'job-4']);
    expect(scenario.events('job-3').at(-1)).toEqual({ id: 'job-3', status: 'cancelled', error: { code: 'CANCELLED', message: 'Not this one' } });
    expect(scenario.store.records.get('job-3')).toMatchObject({ status: 'cancelled', error: 'Not this one', imagePath: null });
    expect(scenario.store.statuses.get('job-3')).toEqual(['queued', 'running', 'cancelled']);
    for (let i = 0; i < 5; i += 1) await settle();
    expect(scenario.store.records.get('job-5')?.status).toBe('queued');

    for (const generation of inFlight(runner)) generation.complete();
    await settleUntil(() => runner.generating?.request.jobId === 'job-5', 'job-5 running');
    for (const id of ['job-2', 'job-4']) {
      expect(scenario.store.statuses.get(id)).toEqual(['queued', 'running', 'done']);
      expect(scenario.store.records.get(id)).toMatchObject({ error: null, imagePath: `/data/images/${id}.png` });
      expect(scenario.events(id).at(-1)).toMatchObject({ status: 'done', imageUrl: `/images/${id}.png` });
    }
    runner.requireGenerating().complete();
    await settleUntil(() => !scenario.queue.busy, 'all done');
    expect(scenario.store.records.get('job-5')?.status).toBe('done');
  });

  it('cancels every job of a running batch when the model is unloaded', async () => {
    const scenario = await batching({ batchLimit: 3 });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'a fox', steps: 4, count: 3 }, origin);
    blocker.complete();
    await settleUntil(() => inFlight(runner).length === 3, 'the batch running');

    await scenario.manager.unload({ actor: 'ui' }, 'A');
    await settle();
    for (const id of ['job-2', 'job-3', 'job-4']) {
      expect(scenario.store.records.get(id)).toMatchObject({ status: 'cancelled', error: 'The model "A" was unloaded by request' });
      expect(scenario.events(id).at(-1)).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    }
    expect(runner.held.slice(1).map((g) => g.settled)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(scenario.queue.busy).toBe(false);
  });

  /** job-1 runs on A; job-2 and job-3 (one batch) then load B, which is not resident. */
  async function batchLoadingB(options: GenerationScenarioOptions = {}): Promise<GenerationScenario> {
    const scenario = await batching({ batchLimit: 4, ...options });
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'on B', steps: 2, count: 2, model: 'B' }, origin);
    await scenario.queue.start({ prompt: 'on A after', steps: 2, model: 'A' }, origin); // job-4
    blocker.complete();
    await settleUntil(() => scenario.queue.jobs().filter((j) => j.status === 'loading').length === 2, 'job-2 and job-3 loading B');
    return scenario;
  }

  it('writes each job of a group loading its model as loading, with the load progress', async () => {
    const scenario = await batchLoadingB();
    expect(scenario.store.statuses.get('job-2')).toEqual(['queued', 'loading']);
    expect(scenario.store.statuses.get('job-3')).toEqual(['queued', 'loading']);
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    scenario.runners.loading()!.progress(1);
    await settle();
    for (const id of ['job-2', 'job-3']) {
      expect(scenario.events(id).filter((e) => e.status === 'loading').at(-1)).toMatchObject({ modelId: 'B', loadProgress: { part: 'unet', index: 1 } });
    }
    runnerOf(scenario, 'B').complete();
    await settleUntil(() => inFlight(runnerOf(scenario, 'B')).length === 2, 'the batch running on B');
    expect(runnerOf(scenario, 'B').batches.map(jobIds)).toEqual([['job-2', 'job-3']]);
    expect(scenario.store.statuses.get('job-2')).toEqual(['queued', 'loading', 'running']);
  });

  it('gives up the load once every job of the group is cancelled, and moves on to the next job', async () => {
    const scenario = await batchLoadingB();
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    const results = await Promise.all([scenario.queue.cancel('job-2'), scenario.queue.cancel('job-3')]);
    expect(results.map((r) => r.cancelled)).toEqual([true, true]);
    for (const id of ['job-2', 'job-3']) {
      expect(scenario.store.statuses.get(id)).toEqual(['queued', 'loading', 'cancelled']);
      expect(scenario.store.records.get(id)).toMatchObject({ error: 'Cancelled on request', imagePath: null });
      expect(scenario.events(id).at(-1)).toEqual({ id, status: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled on request' } });
    }
    // B's load was not finished, yet the queue no longer waits for it.
    expect(runnerOf(scenario, 'B').loading).toBe(true);
    await settleUntil(() => runnerOf(scenario, 'A').generating?.request.jobId === 'job-4', 'job-4 running on A');
  });

  it('keeps the load going when only some jobs of the group are cancelled, and runs the others once loaded', async () => {
    const scenario = await batchLoadingB();
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    const cancel = scenario.queue.cancel('job-2');
    for (let i = 0; i < 10; i += 1) await settle();
    expect(runnerOf(scenario, 'B')).toMatchObject({ loading: true, ended: null });
    const statusOf = (id: string) => scenario.queue.jobs().find((j) => j.id === id)?.status;
    expect([statusOf('job-3'), statusOf('job-4')]).toEqual(['loading', 'queued']);

    runnerOf(scenario, 'B').complete();
    expect(await cancel).toEqual({ cancelled: true, generation: expect.objectContaining({ id: 'job-2', status: 'cancelled' }) });
    await settleUntil(() => runnerOf(scenario, 'B').generating !== undefined, 'job-3 running on B');
    expect(runnerOf(scenario, 'B').generations.map((r) => r.jobId)).toEqual(['job-3']);
    expect(runnerOf(scenario, 'B').batches).toEqual([]);
    expect(scenario.store.statuses.get('job-2')).toEqual(['queued', 'loading', 'cancelled']);
    runnerOf(scenario, 'B').requireGenerating().complete();
    await settleUntil(() => scenario.store.records.get('job-3')?.status === 'done', 'job-3 done');
    expect(scenario.store.statuses.get('job-3')).toEqual(['queued', 'loading', 'running', 'done']);
  });

  it('fails every job of the group when their model fails to load, then runs the next job', async () => {
    const scenario = await batchLoadingB();
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading');
    scenario.runners.loading()!.fail('unet/model.onnx is not a valid ONNX file');
    await settleUntil(() => runnerOf(scenario, 'A').generating?.request.jobId === 'job-4', 'job-4 running on A');
    for (const id of ['job-2', 'job-3']) {
      expect(scenario.store.statuses.get(id)).toEqual(['queued', 'loading', 'failed']);
      expect(scenario.store.records.get(id)?.error).toMatch(/not a valid ONNX file/);
      expect(scenario.events(id).at(-1)).toMatchObject({ id, status: 'failed', error: { code: 'LOAD_FAILED' } });
    }
  });

  it('withdraws a load waiting for room once every job of the group is cancelled, but not before', async () => {
    for (const cancelAll of [true, false]) {
      const scenario = await batching({ batchLimit: 4, scenario: { budget: { maxLoaded: 1 } } });
      const blocker = await startBlocker(scenario);
      // A lease of the test's own keeps A resident after job-1, so B must wait for room.
      const pin: Lease = await scenario.manager.acquire('A', { context: { actor: 'ui' } });
      await scenario.queue.start({ prompt: 'on B', steps: 2, count: 2, model: 'B' }, origin);
      blocker.complete();
      await settleUntil(() => scenario.logger.messages('info').includes('a load waits for room'), 'B waiting for room');
      const cancels = (cancelAll ? ['job-2', 'job-3'] : ['job-2']).map((id) => scenario.queue.cancel(id));
      if (cancelAll) expect((await Promise.all(cancels)).map((r) => r.cancelled)).toEqual([true, true]);

      pin.release();
      for (let i = 0; i < 10; i += 1) await settle();
      if (cancelAll) {
        expect(scenario.runners.runners).toHaveLength(1);
        expect(stateOf(scenario.manager.status(), 'A')).toBe('LOADED');
        expect(stateOf(scenario.manager.status(), 'B')).toBe('IDLE');
        expect(scenario.queue.busy).toBe(false);
        continue;
      }
      await settleUntil(() => scenario.runners.loading() !== undefined, 'B loading once A is free');
      scenario.runners.loading()!.complete();
      expect(await cancels[0]).toMatchObject({ cancelled: true });
      await settleUntil(() => runnerOf(scenario, 'B').generating?.request.jobId === 'job-3', 'job-3 running on B');
      runnerOf(scenario, 'B').requireGenerating().complete();
      await settleUntil(() => !scenario.queue.busy, 'job-3 done');
      expect(scenario.store.records.get('job-2')?.status).toBe('cancelled');
      expect(scenario.store.records.get('job-3')?.status).toBe('done');
    }
  });
});

describe('GenerationQueue batching on a runner that cannot batch', () => {
  it('runs the jobs of a group one by one under one lease, all shown running, each ending right', async () => {
    const scenario = await batching({ batchLimit: 3, batch: false });
    const runner = scenario.runner();
    expect(runner.generateBatch).toBeUndefined();
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'a fox', steps: 2, seed: 20, count: 4 }, origin); // job-2 … job-5
    blocker.complete();
    await settleUntil(() => runner.generating?.request.jobId === 'job-2', 'job-2 running');
    for (const id of ['job-2', 'job-3', 'job-4']) {
      expect(scenario.store.statuses.get(id)).toEqual(['queued', 'running']);
      expect(scenario.events(id).at(-1)).toMatchObject({ status: 'running', step: 0 });
    }
    expect(scenario.store.statuses.get('job-5')).toEqual(['queued']);

    runner.requireGenerating().complete();
    await settleUntil(() => runner.generating?.request.jobId === 'job-3', 'job-3 running');
    runner.requireGenerating().fail('onnxruntime: out of memory');
    await settleUntil(() => runner.generating?.request.jobId === 'job-4', 'job-4 running after job-3 failed');
    expect(scenario.store.records.get('job-5')?.status).toBe('queued');
    runner.requireGenerating().complete();
    await settleUntil(() => runner.generating?.request.jobId === 'job-5', 'job-5 running after the group');
    runner.requireGenerating().complete();
    await settleUntil(() => !scenario.queue.busy, 'all done');

    expect(runner.maxConcurrentGenerations).toBe(1);
    expect(runner.generations.map((r) => [r.jobId, r.seed])).toEqual([
      ['job-1', scenario.randomSeed],
      ['job-2', 20],
      ['job-3', 21],
      ['job-4', 22],
      ['job-5', 23],
    ]);
    expect(scenario.store.statuses.get('job-2')).toEqual(['queued', 'running', 'done']);
    expect(scenario.store.records.get('job-3')).toMatchObject({ status: 'failed', error: 'onnxruntime: out of memory', imagePath: null });
    expect(scenario.events('job-3').at(-1)).toEqual({ id: 'job-3', status: 'failed', error: { code: 'GENERATION_FAILED', message: 'onnxruntime: out of memory' } });
    expect(scenario.store.statuses.get('job-4')).toEqual(['queued', 'running', 'done']);
  });

  it('skips a job of the group cancelled while it waits for its turn, and runs the rest', async () => {
    const scenario = await batching({ batchLimit: 3, batch: false });
    const runner = scenario.runner();
    const blocker = await startBlocker(scenario);
    await scenario.queue.start({ prompt: 'a fox', steps: 2, count: 3 }, origin);
    blocker.complete();
    await settleUntil(() => runner.generating?.request.jobId === 'job-2', 'job-2 running');
    const cancel = scenario.queue.cancel('job-3');
    runner.requireGenerating().complete();
    expect(await cancel).toMatchObject({ cancelled: true, generation: { status: 'cancelled' } });
    await settleUntil(() => runner.generating?.request.jobId === 'job-4', 'job-4 running');
    runner.requireGenerating().complete();
    await settleUntil(() => !scenario.queue.busy, 'all done');
    expect(runner.generations.map((r) => r.jobId)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
    expect(runner.held.find((g) => g.request.jobId === 'job-3')).toBeUndefined();
    expect(['job-2', 'job-3', 'job-4'].map((id) => scenario.store.records.get(id)?.status)).toEqual(['done', 'cancelled', 'done']);
  });
});

describe('GenerationQueue batching keeps each job its own', () => {
  it("keeps each job's keep-alive in a batch: a companion asking 3600 s keeps the model that the lead would unload", async () => {
    const s = await createGenerationScenario({ batchLimit: 4, limit: 16, scenario: { runner: { batch: true } } });
    await s.queue.start({ prompt: 'blocker', steps: 2 }, origin);
    await settleUntil(() => s.runner().generating !== undefined, 'blocker running');
    const blocker = s.runner().requireGenerating();
    await s.queue.start({ prompt: 'short', steps: 2, keepAlive: 0 }, origin);
    await s.queue.start({ prompt: 'long', steps: 2, keepAlive: 3600 }, origin);
    blocker.complete();
    await settleUntil(() => s.runner().held.filter((g) => !g.settled).length === 2, 'job-2 and job-3 batched');
    for (const g of s.runner().held.filter((g) => !g.settled)) g.complete();
    await settleUntil(() => !s.queue.busy, 'done');
    s.clock.advance(0);
    for (let i = 0; i < 10; i++) await settle();
    expect(stateOf(s.manager.status(), 'A')).toBe('LOADED');
  });

  it('ends a job cancelled while its group loads at once, without waiting for the load the others still need', async () => {
    const s = await createGenerationScenario({ batchLimit: 4, loaded: false, limit: 16, scenario: { runner: { batch: true } } });
    await s.queue.start({ prompt: 'x', steps: 2, count: 2, model: 'A' }, origin);
    await settleUntil(() => s.runners.loading() !== undefined, 'A loading for job-1 and job-2');
    let answered = false;
    void s.queue.cancel('job-1').then(() => (answered = true));
    for (let i = 0; i < 20; i++) await settle();
    expect(s.events('job-1').at(-1)).toMatchObject({ status: 'cancelled' });
    expect(s.store.records.get('job-1')?.status).toBe('cancelled');
    expect(answered).toBe(true);
    expect(s.queue.jobs().map((job) => job.id)).toEqual(['job-2']);
    expect(s.runners.loading()).toBeDefined();
  });
});
