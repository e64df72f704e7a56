// Through the real GPU server, real runner processes and real SQLite: the demo model registered on first
// start, a full load/unload cycle with its audit rows, and the status stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { stateOf } from '../../helpers/scenario.js';

describe('GPU server lifecycle', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('serves /healthz', async () => {
    const response = await fetch(`${easel.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, models: [] });
  });

  it('registers the demo model on first start', async () => {
    const models = await easel.client.models.list.query();
    const demo = models.find((m) => m.id === 'easel-demo');
    expect(demo).toBeDefined();
    expect(demo!.sampleSize).toBe(64);
    expect(demo!.sizeBytes).toBeGreaterThan(0);
    expect(demo!.description.parts.map((p) => p.part)).toEqual(expect.arrayContaining(['text_encoder', 'unet', 'vae_decoder']));
  });

  it('loads, reports LOADED with the device, unloads, and audits each transition', async () => {
    const seen: string[] = [];
    const progressParts: string[] = [];
    const subscription = easel.client.models.onStatus.subscribe(undefined, {
      onData(status) {
        const demo = status.models.find((m) => m.modelId === 'easel-demo');
        const state = demo?.state ?? 'IDLE';
        if (seen.at(-1) !== state) seen.push(state);
        if (demo?.loadProgress && progressParts.at(-1) !== demo.loadProgress.part) progressParts.push(demo.loadProgress.part);
      },
    });
    try {
      await expect.poll(() => seen[0]).toBe('IDLE'); // the snapshot arrives first
      const loaded = await easel.client.models.load.mutate({ id: 'easel-demo' });
      expect(loaded.models).toMatchObject([{ state: 'LOADED', modelId: 'easel-demo', device: 'cpu', memorySource: 'measured' }]);
      expect(loaded.models[0]!.memoryBytes).toBeGreaterThan(0);
      expect(loaded.memoryUsedBytes).toBe(loaded.models[0]!.memoryBytes);
      const status = await easel.client.models.status.query();
      expect(stateOf(status, 'easel-demo')).toBe('LOADED');
      expect(status.models[0]!.since).toBeInstanceOf(Date);
      const health = await fetch(`${easel.url}/healthz`).then((r) => r.json());
      expect(health).toEqual({ ok: true, models: [{ modelId: 'easel-demo', state: 'LOADED' }] });
      const runners = await childPids(easel.pid);
      expect(runners).toHaveLength(1);

      const unloaded = await easel.client.models.unload.mutate();
      expect(unloaded.models).toEqual([]);
      expect(processExists(runners[0]!)).toBe(false);
      await expect.poll(() => seen.at(-1)).toBe('IDLE');
      expect(seen).toEqual(['IDLE', 'LOADING', 'LOADED', 'UNLOADING', 'IDLE']);
      expect(progressParts.slice(0, 3)).toEqual(['text_encoder', 'unet', 'vae_decoder']);
    } finally {
      subscription.unsubscribe();
    }

    const { items } = await easel.client.history.transitions.query({ modelId: 'easel-demo' });
    const chain = items.slice().reverse();
    expect(chain.map((r) => `${r.from}>${r.to}:${r.reason}`)).toEqual([
      'IDLE>LOADING:LOAD_REQUESTED',
      'LOADING>LOADED:LOAD_COMPLETED',
      'LOADED>UNLOADING:UNLOAD_REQUESTED',
      'UNLOADING>IDLE:UNLOAD_COMPLETED',
    ]);
    for (const row of chain) {
      expect(row.actor).toBe('script');
      expect(row.requestId).toBeTruthy();
      expect(row.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(chain[1]!.details).toMatchObject({ memorySource: 'measured', memoryBytes: expect.any(Number), estimatedBytes: expect.any(Number) });
    expect(chain[3]!.details).toMatchObject({ processGone: true });
    expect((chain[3]!.details as { runnerBefore?: { rssBytes: number } }).runnerBefore?.rssBytes).toBeGreaterThan(0);

    const model = await easel.client.models.get.query({ id: 'easel-demo' });
    expect(model.loadCount).toBe(1);
    expect(model.lastLoadedAt).toBeInstanceOf(Date);
  });

  it('loads the same model once when asked twice at the same time', async () => {
    const [a, b] = await Promise.all([
      easel.client.models.load.mutate({ id: 'easel-demo' }),
      easel.client.models.load.mutate({ id: 'easel-demo' }),
    ]);
    expect(stateOf(a, 'easel-demo')).toBe('LOADED');
    expect(stateOf(b, 'easel-demo')).toBe('LOADED');
    expect(await childPids(easel.pid)).toHaveLength(1);
    const { items } = await easel.client.history.transitions.query({ reason: 'LOAD_REQUESTED', limit: 10 });
    expect(items).toHaveLength(2); // one from the previous test, one now
    await easel.client.models.unload.mutate();
  });

  it('lets a script load, cancel a load, unload and read back a valid chain', async () => {
    const client = easel.client;
    expect((await client.models.list.query()).map((m) => m.id)).toContain('easel-demo');
    await client.models.load.mutate({ id: 'easel-demo' });
    expect(stateOf(await client.models.status.query(), 'easel-demo')).toBe('LOADED');
    await client.models.unload.mutate({ id: 'easel-demo' });

    const load = client.models.load.mutate({ id: 'easel-demo' }).then(
      () => 'loaded',
      (error: { data?: { easelCode?: string } }) => error.data?.easelCode,
    );
    const cancel = await client.models.cancel.mutate();
    expect(cancel.cancelled).toBe(true);
    expect(await load).toBe('CANCELLED');
    expect((await client.models.status.query()).models).toEqual([]);
    expect(await childPids(easel.pid)).toEqual([]);

    const { items } = await client.history.transitions.query({ limit: 500 });
    const chain = items.slice().reverse();
    expect(chain[0]!.from).toBe('IDLE');
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]!.from).toBe(chain[i - 1]!.to);
    expect(chain.at(-1)).toMatchObject({ reason: 'LOAD_CANCELLED', to: 'IDLE' });
  });
});
