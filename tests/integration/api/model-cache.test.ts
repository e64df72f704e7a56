// The model cache through the real server with real runners: three copies of the demo model under
// EASEL_MAX_LOADED_MODELS=2 (LRU eviction audited, no load for a resident model), keep-alive expiry (the
// server's default and keepAlive 0), a killed runner, and bad input that changes nothing.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf, type JobEvent, type ModelsStatus } from '../../../client/index.js';
import { loadConfig } from '../../../server/config.js';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

const DEMO = 'easel-demo';
const POLL = { timeout: 30_000, interval: 100 };

/** Follows a job's progress stream to its final event. */
function follow(easel: EaselProcess, id: string): Promise<JobEvent[]> {
  return new Promise((resolve, reject) => {
    const events: JobEvent[] = [];
    const subscription = easel.client.generate.onProgress.subscribe(
      { id },
      {
        onData(event) {
          events.push(event);
          if (event.status === 'done' || event.status === 'failed' || event.status === 'cancelled') {
            subscription.unsubscribe();
            resolve(events);
          }
        },
        onError: reject,
      },
    );
  });
}

function stateOf(status: ModelsStatus, modelId: string): string {
  return status.models.find((m) => m.modelId === modelId)?.state ?? 'IDLE';
}

async function transitions(easel: EaselProcess, query: { reason?: 'EVICTED' | 'KEEP_ALIVE_EXPIRED' | 'LOAD_REQUESTED' | 'RUNNER_CRASHED'; modelId?: string } = {}) {
  return (await easel.client.history.transitions.query({ limit: 500, ...query })).items;
}

/** The demo model and two copies of it, registered as demo-b and demo-c. */
async function registerCopies(easel: EaselProcess): Promise<void> {
  for (const id of ['demo-b', 'demo-c']) {
    await cp(join(easel.modelsDir, DEMO), join(easel.modelsDir, id), { recursive: true });
    await easel.client.models.register.mutate({ path: id, id });
  }
}

async function generate(easel: EaselProcess, input: { model?: string; keepAlive?: string | number; steps?: number }): Promise<JobEvent[]> {
  const { id } = await easel.client.generate.start.mutate({ prompt: 'a red circle', steps: 2, seed: 1, width: 64, height: 64, ...input });
  return follow(easel, id);
}

describe('the model cache with real runners', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_MAX_LOADED_MODELS: '2', EASEL_KEEP_ALIVE_MAX: '1h' } });
    await registerCopies(easel);
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('evicts the least recently used model for a third one, audited as EVICTED with the figures', async () => {
    await easel.client.models.load.mutate({ id: DEMO });
    await easel.client.models.load.mutate({ id: 'demo-b' });
    expect(await childPids(easel.pid)).toHaveLength(2);
    const status = await easel.client.models.load.mutate({ id: 'demo-c' });

    expect(status.models.map((m) => [m.modelId, m.state])).toEqual([
      ['demo-b', 'LOADED'],
      ['demo-c', 'LOADED'],
    ]);
    expect(status.maxLoaded).toBe(2);
    for (const model of status.models) expect(model).toMatchObject({ memorySource: 'measured', memoryBytes: expect.any(Number) });
    expect(status.memoryUsedBytes).toBe(status.models.reduce((sum, m) => sum + m.memoryBytes, 0));
    expect(status.memoryUsedBytes).toBeLessThanOrEqual(status.memoryBudgetBytes);
    await expect.poll(() => childPids(easel.pid).then((p) => p.length), POLL).toBe(2);

    const [eviction] = await transitions(easel, { reason: 'EVICTED' });
    expect(eviction).toMatchObject({ modelId: DEMO, from: 'LOADED', to: 'UNLOADING', actor: 'system' });
    expect(eviction!.details).toMatchObject({ neededBy: 'demo-c', maxLoaded: 2, budgetBytes: status.memoryBudgetBytes, neededBytes: expect.any(Number), freedBytes: expect.any(Number) });
    const completed = (await transitions(easel, { modelId: DEMO }))[0];
    expect(completed).toMatchObject({ reason: 'UNLOAD_COMPLETED', to: 'IDLE' });
  });

  it('generates on a resident model without loading anything, and keeps the model it used from eviction', async () => {
    const loadsBefore = (await transitions(easel, { reason: 'LOAD_REQUESTED' })).length;
    const events = await generate(easel, { model: 'demo-b' });
    expect(events.at(-1)).toMatchObject({ status: 'done' });
    expect(events.some((e) => e.status === 'loading')).toBe(false);
    expect((await transitions(easel, { reason: 'LOAD_REQUESTED' })).length).toBe(loadsBefore);

    // demo-b was used last, so loading the demo model on demand evicts demo-c.
    const onDemand = await generate(easel, { model: DEMO });
    expect(onDemand.some((e) => e.status === 'loading')).toBe(true);
    expect(onDemand.at(-1)).toMatchObject({ status: 'done' });
    const [eviction] = await transitions(easel, { reason: 'EVICTED' });
    expect(eviction).toMatchObject({ modelId: 'demo-c', details: expect.objectContaining({ neededBy: DEMO }) });
    const status = await easel.client.models.status.query();
    expect(status.models.map((m) => [m.modelId, m.state])).toEqual([
      ['demo-b', 'LOADED'],
      [DEMO, 'LOADED'],
    ]);
  });

  it('with keepAlive 0, unloads the model once its job has ended', async () => {
    const events = await generate(easel, { model: 'demo-c', keepAlive: 0 });
    expect(events.at(-1)).toMatchObject({ status: 'done' });
    await expect.poll(async () => stateOf(await easel.client.models.status.query(), 'demo-c'), POLL).toBe('IDLE');
    const [expiry] = await transitions(easel, { reason: 'KEEP_ALIVE_EXPIRED', modelId: 'demo-c' });
    expect(expiry).toMatchObject({ from: 'LOADED', to: 'UNLOADING', actor: 'system', details: expect.objectContaining({ keepAlive: 0 }) });
  });

  it('moves a model whose runner is killed to ERROR, while the other resident model keeps serving', async () => {
    await easel.client.models.load.mutate({ id: DEMO });
    await easel.client.models.load.mutate({ id: 'demo-b' });
    const runners = await childPids(easel.pid);
    expect(runners).toHaveLength(2);
    process.kill(runners[0]!, 'SIGKILL');
    await expect.poll(async () => (await easel.client.models.status.query()).models.filter((m) => m.state === 'ERROR').length, POLL).toBe(1);
    const status = await easel.client.models.status.query();
    const broken = status.models.find((m) => m.state === 'ERROR')!;
    const other = status.models.find((m) => m.state === 'LOADED')!;
    expect(broken.error).toMatch(/stopped unexpectedly \(signal SIGKILL\)/);
    expect(processExists(runners[0]!)).toBe(false);
    const [crash] = await transitions(easel, { reason: 'RUNNER_CRASHED' });
    expect(crash).toMatchObject({ modelId: broken.modelId, from: 'LOADED', to: 'ERROR', actor: 'system' });

    const events = await generate(easel, { model: other.modelId });
    expect(events.at(-1)).toMatchObject({ status: 'done' });
    expect(events.some((e) => e.status === 'loading')).toBe(false);

    // The broken model loads again on demand.
    const again = await generate(easel, { model: broken.modelId });
    expect(again.at(-1)).toMatchObject({ status: 'done' });
    expect(stateOf(await easel.client.models.status.query(), broken.modelId)).toBe('LOADED');
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const before = JSON.stringify([await easel.client.models.status.query(), await transitions(easel), await easel.client.generate.jobs.query()]);
    const unknown = await easel.client.generate.start.mutate({ prompt: 'x', model: 'nope' }).catch((e: unknown) => e);
    expect(easelCodeOf(unknown)).toBe('NOT_FOUND');
    expect((unknown as Error).message).toContain('"nope"');
    for (const keepAlive of ['5 minutes', -2, 1e12]) {
      const load = await easel.client.models.load.mutate({ id: 'demo-c', keepAlive }).catch((e: unknown) => e);
      expect(easelCodeOf(load), `models.load keepAlive ${keepAlive}`).toBe('INVALID_INPUT');
      expect((load as Error).message).toMatch(/keepAlive/);
      const start = await easel.client.generate.start.mutate({ prompt: 'x', model: 'demo-c', keepAlive }).catch((e: unknown) => e);
      expect(easelCodeOf(start), `generate.start keepAlive ${keepAlive}`).toBe('INVALID_INPUT');
    }
    const after = JSON.stringify([await easel.client.models.status.query(), await transitions(easel), await easel.client.generate.jobs.query()]);
    expect(after).toBe(before);
  });

  it('caps a keep-alive asked for above EASEL_KEEP_ALIVE_MAX, -1 included', async () => {
    const long = await easel.client.models.load.mutate({ id: 'demo-c', keepAlive: '2h' });
    expect(long.models.find((m) => m.modelId === 'demo-c')).toMatchObject({ keepAlive: 3600 });
    const forever = await easel.client.models.load.mutate({ id: 'demo-c', keepAlive: -1 });
    expect(forever.models.find((m) => m.modelId === 'demo-c')).toMatchObject({ keepAlive: 3600, expiresAt: expect.any(Date) });
  });
});

describe('keep-alive expiry with real runners', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_KEEP_ALIVE: '2s' } });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('unloads an idle model once EASEL_KEEP_ALIVE has passed, stopping its runner', async () => {
    const status = await easel.client.models.load.mutate({ id: DEMO });
    expect(status.models[0]).toMatchObject({ keepAlive: 2, expiresAt: expect.any(Date) });
    const [runner] = await childPids(easel.pid);
    await expect.poll(async () => (await easel.client.models.status.query()).models.length, POLL).toBe(0);
    await expect.poll(() => processExists(runner!), POLL).toBe(false);
    const [expiry] = await transitions(easel, { reason: 'KEEP_ALIVE_EXPIRED' });
    expect(expiry).toMatchObject({ modelId: DEMO, actor: 'system', details: expect.objectContaining({ keepAlive: 2 }) });
    expect((expiry!.details as { idleMs: number }).idleMs).toBeGreaterThanOrEqual(2000);
  });

  it('schedules no expiry for a model loaded with keepAlive -1', async () => {
    await easel.client.models.load.mutate({ id: DEMO, keepAlive: -1 });
    const status = await easel.client.models.status.query();
    expect(status.models[0]).toMatchObject({ state: 'LOADED', keepAlive: -1, expiresAt: null });
    await easel.client.models.unload.mutate({ id: DEMO });
  });
});

describe('malformed cache variables', () => {
  it('make loadConfig throw naming the variable', () => {
    expect(() => loadConfig({ EASEL_MEMORY_BUDGET: 'lots' })).toThrow(/EASEL_MEMORY_BUDGET.*"lots" is not a size/);
    expect(() => loadConfig({ EASEL_MAX_LOADED_MODELS: '0' })).toThrow(/EASEL_MAX_LOADED_MODELS/);
    expect(() => loadConfig({ EASEL_KEEP_ALIVE: '5 minutes' })).toThrow(/EASEL_KEEP_ALIVE/);
    expect(() => loadConfig({ EASEL_LOAD_TIMEOUT: '0' })).toThrow(/EASEL_LOAD_TIMEOUT/);
    expect(() => loadConfig({ EASEL_KEEP_ALIVE_MAX: '-2' })).toThrow(/EASEL_KEEP_ALIVE_MAX/);
    expect(loadConfig({ EASEL_KEEP_ALIVE_MAX: '1h', EASEL_KEEP_ALIVE: '10m' })).toMatchObject({ keepAliveMaxSeconds: 3600, keepAliveSeconds: 600 });
    expect(loadConfig({ EASEL_MEMORY_BUDGET: '12GiB' }).memoryBudgetBytes).toBe(12 * 1024 ** 3);
  });

  it('stops the server at start-up with a message naming the variable', async () => {
    const dataDir = await makeDataDir();
    try {
      const error = await startEaselServer({ dataDir, env: { EASEL_MEMORY_BUDGET: '12 gigs' } }).then(
        async (easel) => {
          await easel.stop();
          return null;
        },
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/exited with 1 before listening/);
      expect(error?.message).toMatch(/EASEL_MEMORY_BUDGET/);
    } finally {
      await removeDataDir(dataDir);
    }
  });
});
