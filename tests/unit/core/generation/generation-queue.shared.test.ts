// The GenerationQueue when several nodes share the jobs (deps.shared): new jobs go to the shared queue, claimed
// ones run here through runClaimed, other nodes' events are relayed in, a stop leaves the jobs to the others, and a
// cancel of a job held elsewhere goes through the SharedDispatch. A real ModelManager over the fake runner, an
// in-memory store and a fake SharedDispatch that saves the rows in that store.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GenerationQueue } from '../../../../server/core/generation/generation-queue.js';
import type { JobEvent } from '../../../../server/core/generation/job-events.js';
import type { JobEntry } from '../../../../server/core/generation/job-list.js';
import type { SharedDispatch, SharedJobExtras } from '../../../../server/core/generation/shared-dispatch.js';
import type { GenerationRecord, GenerationUpdate, NewGeneration } from '../../../../server/core/ports.js';
import { fakeLoadedModel, type FakeRunner } from '../../../helpers/fake-runner.js';
import { MemoryGenerationStore } from '../../../helpers/memory-generation-store.js';
import { createLoadedScenario, MODEL_PATHS, runnerOf, settle, settleUntil, type Scenario } from '../../../helpers/scenario.js';

const ME = 'gpu-a';
const origin = { actor: 'ui' as const, ownerRole: 'local' as const, ownerId: null };

afterEach(() => {
  vi.useRealTimers();
});

type Submitted = Array<{ row: NewGeneration & { id: string }; extras: SharedJobExtras }>;

/** Saves the rows in the store (as the transaction would) and records what it was given. */
class FakeSharedDispatch implements SharedDispatch {
  readonly submitted: Submitted[] = [];
  readonly cancels: Array<{ id: string; reason: string }> = [];
  /** What the node running the job does when asked to cancel it. */
  onCancel: (id: string, reason: string) => void = () => undefined;

  constructor(private readonly store: MemoryGenerationStore) {}

  async submit(jobs: Submitted): Promise<GenerationRecord[]> {
    this.submitted.push(jobs);
    const records: GenerationRecord[] = [];
    for (const job of jobs) records.push(await this.store.create(job.row));
    return records;
  }

  async waiting(): Promise<number> {
    return [...this.store.records.values()].filter((record) => record.status === 'queued').length;
  }

  async cancelElsewhere(id: string, reason: string): Promise<void> {
    this.cancels.push({ id, reason });
    this.onCancel(id, reason);
  }
}

interface SharedScenario extends Scenario {
  queue: GenerationQueue;
  store: MemoryGenerationStore;
  shared: FakeSharedDispatch;
  /** The runner spawned last (model A's, until another model loads). */
  runner(): FakeRunner;
  /** Every event the queue sent out for the other nodes (deps.onEvent). */
  sent: JobEvent[];
  /** Events of `id` seen by a subscriber since the call. */
  watch(id: string): JobEvent[];
  /** A row as the shared queue leaves it once this node claimed it (loading on this node). */
  claimed(id: string, overrides?: Partial<NewGeneration>): Promise<GenerationRecord>;
  /** A row another node runs. */
  runningElsewhere(id: string, node: string): Promise<GenerationRecord>;
}

async function createSharedScenario(): Promise<SharedScenario> {
  const scenario = await createLoadedScenario('A', { runner: { generation: 'held' }, defaultSampler: 'DDIM' });
  const store = new MemoryGenerationStore(scenario.clock);
  const shared = new FakeSharedDispatch(store);
  const sent: JobEvent[] = [];
  let nextId = 1;
  const queue = new GenerationQueue({
    models: scenario.manager,
    // B is registered (not resident) and has a vae_encoder, so image-to-image is allowed on it.
    catalog: { describe: async (id) => (MODEL_PATHS[id] ? { description: fakeLoadedModel({ hasVaeEncoder: id === 'B' }), path: MODEL_PATHS[id]!, defaultSampler: 'DDIM' } : null) },
    defaultSampler: 'DDIM',
    store,
    imagePath: (id) => `/data/images/${id}.png`,
    imageUrl: (id) => `/images/${id}.png`,
    newId: () => `job-${nextId++}`,
    randomSeed: () => 424242,
    logger: scenario.logger,
    clock: scenario.clock,
    limit: 4,
    nodeName: () => ME,
    shared,
    onEvent: (event) => sent.push(event),
  });
  const row = (id: string, overrides: Partial<NewGeneration> = {}): NewGeneration & { id: string } => ({
    id,
    prompt: `prompt of ${id}`,
    negativePrompt: '',
    sampler: 'DDIM',
    steps: 4,
    guidance: 7.5,
    seed: 11,
    width: 512,
    height: 512,
    strength: null,
    modelId: 'A',
    ...overrides,
  });
  return {
    ...scenario,
    queue,
    store,
    shared,
    sent,
    runner: () => scenario.runners.latest(),
    watch(id) {
      const events: JobEvent[] = [];
      queue.subscribe(id, (event) => events.push(event));
      return events;
    },
    async claimed(id, overrides) {
      await store.create(row(id, overrides));
      return store.update(id, { status: 'loading', node: ME });
    },
    async runningElsewhere(id, node) {
      await store.create(row(id));
      return store.update(id, { status: 'running', node });
    },
  };
}

/** Makes the store's writes of `status` wait until the returned function is called. */
function holdWrites(store: MemoryGenerationStore, status: GenerationUpdate['status']): () => void {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const update = store.update.bind(store);
  store.update = async (id, change) => {
    if (change.status === status) await gate;
    return update(id, change);
  };
  return release;
}

function entry(id: string, node: string | null, modelId = 'A'): JobEntry {
  return { id, modelId, ownerId: null, prompt: `prompt of ${id}`, createdAt: new Date(0), totalSteps: 4, node };
}

describe('GenerationQueue.start with a shared queue', () => {
  it('hands one row per seed to the shared queue, with the keep-alive and the input image, and runs nothing here', async () => {
    const s = await createSharedScenario();
    const acquire = vi.spyOn(s.manager, 'acquire');
    const runnersBefore = s.runners.runners.length;

    const started = await s.queue.start(
      { prompt: 'a fox', seed: 7, count: 2, steps: 6, model: 'B', keepAlive: 60, image: 'data:image/png;base64,iVBORw0KGgo=', strength: 0.5 },
      origin,
    );
    await settle();

    expect(started).toEqual({ id: 'job-1', ids: ['job-1', 'job-2'], warnings: [] });
    expect(s.shared.submitted).toHaveLength(1);
    const extras = { keepAlive: { seconds: 60, role: 'local' }, initImageBase64: 'iVBORw0KGgo=' };
    const common = { prompt: 'a fox', negativePrompt: '', sampler: 'DDIM', steps: 6, guidance: 7.5, width: 512, height: 512, strength: 0.5, modelId: 'B', ownerRole: 'local', ownerId: null, actor: 'ui', warnings: [] };
    expect(s.shared.submitted[0]).toEqual([
      { row: { ...common, id: 'job-1', seed: 7 }, extras },
      { row: { ...common, id: 'job-2', seed: 8 }, extras },
    ]);
    // The input image travels in the shared job's data, never in the row.
    expect(s.shared.submitted[0]!.map((job) => 'initImageBase64' in job.row)).toEqual([false, false]);

    expect(acquire).not.toHaveBeenCalled();
    expect(s.runners.runners).toHaveLength(runnersBefore);
    expect(s.queue.localDepth).toBe(0);
    expect(s.queue.holds('job-1')).toBe(false);
    expect(s.store.statuses.get('job-1')).toEqual(['queued']);
    expect(s.sent).toEqual([]);
  });

  it('sends no extras for a text-to-image job without a keep-alive', async () => {
    const s = await createSharedScenario();
    await s.queue.start({ prompt: 'a fox', seed: 1 }, origin);
    expect(s.shared.submitted[0]!.map((job) => job.extras)).toStrictEqual([{}]);
    expect(s.shared.submitted[0]![0]!.row).toMatchObject({ modelId: 'A', strength: null });
  });
});

describe('GenerationQueue.start with a shared queue: the queue limit', () => {
  it('counts the jobs waiting in the shared queue against EASEL_QUEUE_LIMIT', async () => {
    const s = await createSharedScenario();
    await s.queue.start({ prompt: 'x', count: 3 }, origin);
    const refused = await s.queue.start({ prompt: 'y', count: 2 }, origin).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'BUSY', message: expect.stringContaining('3 of 4 jobs waiting') });
    await expect(s.queue.start({ prompt: 'z' }, origin)).resolves.toMatchObject({ ids: [expect.any(String)] });
  });
});

describe('GenerationQueue.runClaimed', () => {
  it('runs a claimed job with its extras and resolves with its final event only once the row is written', async () => {
    const s = await createSharedScenario();
    const acquire = vi.spyOn(s.manager, 'acquire');
    const events = s.watch('job-1');
    const record = await s.claimed('job-1', { seed: 33, strength: 0.4 });
    const releaseDone = holdWrites(s.store, 'done');

    let outcome: JobEvent | null | undefined;
    const ended = s.queue.runClaimed(record, { keepAlive: { seconds: 90, role: 'admin' }, initImageBase64: 'AAAA' });
    void ended.then((event) => (outcome = event));
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');

    expect(s.runner().requireGenerating().request).toMatchObject({ jobId: 'job-1', seed: 33, strength: 0.4, initImageBase64: 'AAAA', outputPath: '/data/images/job-1.png' });
    expect(acquire.mock.calls[0]![1]).toMatchObject({ keepAlive: { seconds: 90, role: 'admin' } });
    expect(s.store.records.get('job-1')).toMatchObject({ status: 'running', node: ME, attempts: 1 });
    expect(s.queue.holds('job-1')).toBe(true);

    s.runner().requireGenerating().complete(120);
    for (let i = 0; i < 5; i += 1) await settle();
    const done = { id: 'job-1', status: 'done', done: true, imageUrl: '/images/job-1.png', seed: 33, durationMs: 0, runMs: 120 };
    // The subscribers have heard of it; the caller (who completes the shared job) waits for the row.
    expect(events.at(-1)).toEqual(done);
    expect(outcome).toBeUndefined();
    expect(s.store.records.get('job-1')?.status).toBe('running');

    releaseDone();
    expect(await ended).toEqual(done);
    expect(s.store.statuses.get('job-1')).toEqual(['queued', 'loading', 'running', 'done']);
    // Every event goes out for the other nodes' subscribers: the position, step 0 and the 4 steps, the end.
    expect(s.sent.filter((event) => event.id === 'job-1').map((event) => (event.status === 'running' ? event.step : event.status))).toEqual(['queued', 0, 1, 2, 3, 4, 'done']);
    await settleUntil(() => !s.queue.holds('job-1'), 'job-1 let go');
  });

  it('resolves with the failed event when the runner fails the job', async () => {
    const s = await createSharedScenario();
    const ended = s.queue.runClaimed(await s.claimed('job-1'), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');
    s.runner().requireGenerating().fail('unet: out of memory');
    expect(await ended).toEqual({ id: 'job-1', status: 'failed', error: { code: 'GENERATION_FAILED', message: 'unet: out of memory' } });
    expect(s.store.records.get('job-1')).toMatchObject({ status: 'failed', error: 'unet: out of memory' });
  });
});

describe('GenerationQueue.relay', () => {
  it("passes another node's events to this node's subscribers and its job list", async () => {
    const s = await createSharedScenario();
    const events = s.watch('remote-1');
    s.queue.showElsewhere([entry('remote-1', 'gpu-b')]);

    const running: JobEvent = { id: 'remote-1', status: 'running', step: 2, totalSteps: 4, etaMs: 500 };
    s.queue.relay(running);

    expect(events).toEqual([running]);
    expect(s.queue.lastEvent('remote-1')).toEqual(running);
    expect(s.queue.jobs()).toEqual([{ ...entry('remote-1', 'gpu-b'), status: 'running', position: 0, step: 2, totalSteps: 4, etaMs: 500 }]);
    // Relayed events are not sent on again.
    expect(s.sent).toEqual([]);

    const done: JobEvent = { id: 'remote-1', status: 'done', done: true, imageUrl: '/images/remote-1.png', seed: 1, durationMs: 10, runMs: 9 };
    s.queue.relay(done);
    expect(events).toEqual([running, done]);
    expect(s.queue.jobs()).toEqual([]);
    expect(s.queue.lastEvent('remote-1')).toBeUndefined();
  });

  it('ignores an event from elsewhere for a job this node holds', async () => {
    const s = await createSharedScenario();
    const events = s.watch('job-1');
    const ended = s.queue.runClaimed(await s.claimed('job-1'), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');
    const before = events.length;

    s.queue.relay({ id: 'job-1', status: 'cancelled', error: { code: 'CANCELLED', message: 'stale news' } });

    expect(events).toHaveLength(before);
    expect(s.queue.jobs().map((job) => [job.id, job.status, job.node])).toEqual([['job-1', 'running', ME]]);
    s.runner().requireGenerating().complete();
    expect(await ended).toMatchObject({ status: 'done' });
  });
});

describe('GenerationQueue.showElsewhere', () => {
  it("adds the other nodes' jobs to jobs() after this node's own, without listing a local one twice", async () => {
    const s = await createSharedScenario();
    const ended = s.queue.runClaimed(await s.claimed('job-1'), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');

    // The shared list is read from the rows: it names this node's job too.
    s.queue.showElsewhere([entry('job-1', ME), entry('remote-1', 'gpu-b', 'B'), entry('waiting-1', null)]);

    expect(s.queue.jobs().map((job) => [job.id, job.node, job.status])).toEqual([
      ['job-1', ME, 'running'],
      ['remote-1', 'gpu-b', 'queued'],
      ['waiting-1', null, 'queued'],
    ]);

    s.queue.showElsewhere([entry('remote-1', 'gpu-b', 'B')]);
    expect(s.queue.jobs().map((job) => job.id)).toEqual(['job-1', 'remote-1']);
    s.runner().requireGenerating().complete();
    await ended;
  });
});

describe('GenerationQueue: ended jobs stay out of the shared list', () => {
  it('does not list again a job whose final event was relayed, nor one that ended here, when a stale list arrives', async () => {
    const s = await createSharedScenario();
    s.queue.showElsewhere([entry('remote-1', 'gpu-b')]);
    s.queue.relay({ id: 'remote-1', status: 'done', done: true, imageUrl: '/images/remote-1.png', seed: 1, durationMs: 1, runMs: 1 });
    const ended = s.queue.runClaimed(await s.claimed('job-1'), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');
    expect(s.queue.jobs().map((job) => job.id)).toEqual(['job-1']);
    s.runner().requireGenerating().complete();
    await ended;
    // A list read before the rows were written still names both.
    await settle();
    s.queue.showElsewhere([entry('remote-1', 'gpu-b'), entry('job-1', ME), entry('remote-2', 'gpu-b')]);
    expect(s.queue.jobs().map((job) => job.id)).toEqual(['remote-2']);
  });
});

describe('GenerationQueue.shutdown with a shared queue', () => {
  it('leaves the running and waiting claimed jobs to the other nodes: rows untouched, runClaimed resolves null', async () => {
    const s = await createSharedScenario();
    const first = s.queue.runClaimed(await s.claimed('job-1'), {});
    const second = s.queue.runClaimed(await s.claimed('job-2'), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');
    const held = s.runner().requireGenerating();
    const statusesBefore = { one: [...s.store.statuses.get('job-1')!], two: [...s.store.statuses.get('job-2')!] };
    expect(statusesBefore).toEqual({ one: ['queued', 'loading', 'running'], two: ['queued', 'loading'] });

    await s.queue.shutdown();

    expect(held.settled).toBe('cancelled');
    expect(await first).toBeNull();
    expect(await second).toBeNull();
    expect(s.store.statuses.get('job-1')).toEqual(statusesBefore.one);
    expect(s.store.statuses.get('job-2')).toEqual(statusesBefore.two);
    expect(s.store.records.get('job-1')).toMatchObject({ status: 'running', node: ME, error: null, finishedAt: null });
    expect(s.sent.some((event) => event.status === 'cancelled')).toBe(false);
    expect(s.queue.localDepth).toBe(0);
    await expect(s.queue.start({ prompt: 'late' }, origin)).rejects.toMatchObject({ code: 'BUSY' });
  });
});

describe('GenerationQueue.cancel with a shared queue', () => {
  it('asks the node running a job it does not hold, and answers cancelled once the final event and the row say so', async () => {
    const s = await createSharedScenario();
    await s.runningElsewhere('remote-1', 'gpu-b');
    const events = s.watch('remote-1');
    const cancelled: JobEvent = { id: 'remote-1', status: 'cancelled', error: { code: 'CANCELLED', message: 'Stop it' } };
    // The running node stops within a step, sends its final event, then writes its row a little later.
    s.shared.onCancel = () => {
      setImmediate(() => {
        s.queue.relay(cancelled);
        setTimeout(() => void s.store.update('remote-1', { status: 'cancelled', error: 'Stop it', finishedAt: s.clock.now() }), 20);
      });
    };

    const result = await s.queue.cancel('remote-1', 'Stop it');

    expect(s.shared.cancels).toEqual([{ id: 'remote-1', reason: 'Stop it' }]);
    expect(events).toEqual([cancelled]);
    expect(result).toEqual({ cancelled: true, generation: expect.objectContaining({ id: 'remote-1', status: 'cancelled', error: 'Stop it' }) });
  });

  it('answers cancelled: false, asking no node, for a job that already ended', async () => {
    const s = await createSharedScenario();
    await s.runningElsewhere('remote-1', 'gpu-b');
    await s.store.update('remote-1', { status: 'done', imagePath: '/data/images/remote-1.png' });

    const result = await s.queue.cancel('remote-1');

    expect(s.shared.cancels).toEqual([]);
    expect(result).toEqual({ cancelled: false, generation: expect.objectContaining({ status: 'done', imageUrl: '/images/remote-1.png' }) });
  });

  it('stops a job it holds itself without asking the others', async () => {
    const s = await createSharedScenario();
    const ended = s.queue.runClaimed(await s.claimed('job-1'), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');

    const result = await s.queue.cancel('job-1', 'Stopped here');

    expect(s.shared.cancels).toEqual([]);
    expect(result).toMatchObject({ cancelled: true, generation: { status: 'cancelled', error: 'Stopped here' } });
    expect(await ended).toEqual({ id: 'job-1', status: 'cancelled', error: { code: 'CANCELLED', message: 'Stopped here' } });
  });
});

describe('GenerationQueue local counts with a shared queue', () => {
  it('counts the claimed jobs running or waiting here, their models, and which ids it holds', async () => {
    const s = await createSharedScenario();
    expect([s.queue.localDepth, [...s.queue.localModels()], s.queue.holds('job-1')]).toEqual([0, [], false]);

    const first = s.queue.runClaimed(await s.claimed('job-1'), {});
    const second = s.queue.runClaimed(await s.claimed('job-2', { modelId: 'B' }), {});
    await settleUntil(() => s.runner().generating !== undefined, 'job-1 generating');
    s.queue.showElsewhere([entry('remote-1', 'gpu-b', 'C')]);

    expect(s.queue.localDepth).toBe(2);
    expect(s.queue.localModels()).toEqual(new Set(['A', 'B']));
    expect(['job-1', 'job-2', 'remote-1'].map((id) => s.queue.holds(id))).toEqual([true, true, false]);

    runnerOf(s, 'A').requireGenerating().complete();
    await first;
    await settleUntil(() => s.runners.loading() !== undefined, 'B loading');
    expect(s.queue.localDepth).toBe(1);
    expect(s.queue.localModels()).toEqual(new Set(['B']));
    expect(s.queue.holds('job-1')).toBe(false);

    s.runners.loading()!.complete();
    await settleUntil(() => runnerOf(s, 'B').generating !== undefined, 'job-2 generating');
    runnerOf(s, 'B').requireGenerating().complete();
    await second;
    await settleUntil(() => s.queue.localDepth === 0, 'nothing held');
    expect(s.queue.localModels()).toEqual(new Set());
    expect(s.queue.holds('job-2')).toBe(false);
  });
});
