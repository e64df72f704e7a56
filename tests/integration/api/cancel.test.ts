// Cancelling a slow load through the real server: the runner process is killed mid-load and the state returns
// to IDLE, audited, without waiting for the load; a load of another model meanwhile runs beside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf } from '../../../client/index.js';
import { childPids, makeDataDir, processExists, removeDataDir, startWithTinyAndSlowModels, type EaselProcess } from '../../helpers/easel-server.js';
import { stateOf } from '../../helpers/scenario.js';

describe('cancelling a load', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startWithTinyAndSlowModels(dataDir);
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  async function loadingRunner(): Promise<number> {
    await expect.poll(() => easel.client.models.status.query().then((s) => stateOf(s, 'slow'))).toBe('LOADING');
    await expect.poll(() => childPids(easel.pid).then((p) => p.length)).toBe(1);
    return (await childPids(easel.pid))[0]!;
  }

  it('kills the runner mid-load and returns to IDLE before the load could finish', async () => {
    const events: string[] = [];
    const subscription = easel.client.models.onStatus.subscribe(undefined, {
      onData: (s) => events.push(stateOf(s, 'slow')),
    });
    try {
      const load = easel.client.models.load.mutate({ id: 'slow' }).then(
        () => 'loaded',
        (error: unknown) => easelCodeOf(error),
      );
      const runner = await loadingRunner();
      const result = await easel.client.models.cancel.mutate();
      expect(result.cancelled).toBe(true);
      expect(result.status.models).toEqual([]);
      expect(processExists(runner)).toBe(false);
      expect(await load).toBe('CANCELLED');
      await expect.poll(() => events.at(-1)).toBe('IDLE');
      expect(events).not.toContain('LOADED');
    } finally {
      subscription.unsubscribe();
    }
    const { items } = await easel.client.history.transitions.query({ modelId: 'slow', limit: 2 });
    expect(items.map((r) => r.reason)).toEqual(['LOAD_CANCELLED', 'LOAD_REQUESTED']);
    expect(items[0]!.error).toMatch(/cancelled/);
    expect(items[0]!.details).toMatchObject({ processGone: true });
  });

  it('answers cancel with cancelled: false when nothing is loading', async () => {
    const result = await easel.client.models.cancel.mutate();
    expect(result).toMatchObject({ cancelled: false, status: { models: [] } });
  });

  it('loads another model beside a slow load without cancelling it', async () => {
    const first = easel.client.models.load.mutate({ id: 'slow' }).then(
      () => 'loaded',
      (error: unknown) => easelCodeOf(error),
    );
    const runner = await loadingRunner();
    const second = await easel.client.models.load.mutate({ id: 'tiny' });
    expect(stateOf(second, 'tiny')).toBe('LOADED');
    expect(await first).toBe('loaded');
    expect(processExists(runner)).toBe(true);
    const status = await easel.client.models.status.query();
    expect(status.models.map((m) => `${m.modelId}:${m.state}`)).toEqual(['slow:LOADED', 'tiny:LOADED']);
    const { items } = await easel.client.history.transitions.query({ limit: 4 });
    expect(items.map((r) => `${r.modelId}:${r.reason}`).sort()).toEqual(['slow:LOAD_COMPLETED', 'slow:LOAD_REQUESTED', 'tiny:LOAD_COMPLETED', 'tiny:LOAD_REQUESTED']);
    await easel.client.models.unload.mutate();
    expect(processExists(runner)).toBe(false);
  });

  it('cancels a load when unload is asked for during it', async () => {
    await easel.client.models.unload.mutate();
    const load = easel.client.models.load.mutate({ id: 'slow' }).then(
      () => 'loaded',
      (error: unknown) => easelCodeOf(error),
    );
    const runner = await loadingRunner();
    const status = await easel.client.models.unload.mutate();
    expect(status.models).toEqual([]);
    expect(await load).toBe('CANCELLED');
    expect(processExists(runner)).toBe(false);
  });
});
