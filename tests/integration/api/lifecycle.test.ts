// Through the real GPU server, real runner processes and real SQLite: the demo model registered on first
// start, a full load/unload cycle with its audit rows, and the status stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

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
    expect(await response.json()).toMatchObject({ ok: true, state: 'IDLE' });
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
        if (seen.at(-1) !== status.state) seen.push(status.state);
        if (status.loadProgress && progressParts.at(-1) !== status.loadProgress.part) progressParts.push(status.loadProgress.part);
      },
    });
    try {
      await expect.poll(() => seen[0]).toBe('IDLE'); // the snapshot arrives first
      const loaded = await easel.client.models.load.mutate({ id: 'easel-demo' });
      expect(loaded).toMatchObject({ state: 'LOADED', modelId: 'easel-demo', device: 'cpu' });
      const status = await easel.client.models.status.query();
      expect(status.state).toBe('LOADED');
      expect(status.since).toBeInstanceOf(Date);
      const runners = await childPids(easel.pid);
      expect(runners).toHaveLength(1);

      const unloaded = await easel.client.models.unload.mutate();
      expect(unloaded.state).toBe('IDLE');
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
    expect(a.state).toBe('LOADED');
    expect(b.state).toBe('LOADED');
    expect(await childPids(easel.pid)).toHaveLength(1);
    const { items } = await easel.client.history.transitions.query({ reason: 'LOAD_REQUESTED', limit: 10 });
    expect(items).toHaveLength(2); // one from the previous test, one now
    await easel.client.models.unload.mutate();
  });

  it('lets a script load, cancel a load, unload and read back a valid chain', async () => {
    const client = easel.client;
    expect((await client.models.list.query()).map((m) => m.id)).toContain('easel-demo');
    await client.models.load.mutate({ id: 'easel-demo' });
    expect((await client.models.status.query()).state).toBe('LOADED');
    await client.models.unload.mutate();

    const load = client.models.load.mutate({ id: 'easel-demo' }).then(
      () => 'loaded',
      (error: { data?: { easelCode?: string } }) => error.data?.easelCode,
    );
    const cancel = await client.models.cancel.mutate();
    expect(cancel.cancelled).toBe(true);
    expect(await load).toBe('CANCELLED');
    expect((await client.models.status.query()).state).toBe('IDLE');
    expect(await childPids(easel.pid)).toEqual([]);

    const { items } = await client.history.transitions.query({ limit: 500 });
    const chain = items.slice().reverse();
    expect(chain[0]!.from).toBe('IDLE');
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]!.from).toBe(chain[i - 1]!.to);
    expect(chain.at(-1)).toMatchObject({ reason: 'LOAD_CANCELLED', to: 'IDLE' });
  });
});
