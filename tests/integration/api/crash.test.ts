// Crashes through real processes: the server SIGKILLed during a load recovers to IDLE on restart with every
// committed audit row kept; a runner killed while loaded moves the state to ERROR, and a new load works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, startWithTinyAndSlowModels, type EaselProcess } from '../../helpers/easel-server.js';
import { stateOf } from '../../helpers/scenario.js';

describe('crashes', () => {
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

  it('moves to ERROR when the runner dies while loaded, and loads again afterwards', async () => {
    await easel.client.models.load.mutate({ id: 'tiny' });
    const [runner] = await childPids(easel.pid);
    process.kill(runner!, 'SIGKILL');
    await expect.poll(() => easel.client.models.status.query().then((s) => stateOf(s, 'tiny'))).toBe('ERROR');
    const status = await easel.client.models.status.query();
    expect(status.models).toMatchObject([{ modelId: 'tiny', state: 'ERROR', memoryBytes: 0, error: expect.stringMatching(/stopped unexpectedly \(signal SIGKILL\)/) }]);
    const [crash] = (await easel.client.history.transitions.query({ limit: 1 })).items;
    expect(crash).toMatchObject({ from: 'LOADED', to: 'ERROR', reason: 'RUNNER_CRASHED', actor: 'system' });

    const again = await easel.client.models.load.mutate({ id: 'tiny' });
    expect(stateOf(again, 'tiny')).toBe('LOADED');
    await easel.client.models.unload.mutate();
  });

  it('recovers to IDLE after the server is killed during a load, keeping every committed row', async () => {
    void easel.client.models.load.mutate({ id: 'slow' }).catch(() => undefined);
    await expect.poll(() => easel.client.models.status.query().then((s) => stateOf(s, 'slow'))).toBe('LOADING');
    await expect.poll(() => childPids(easel.pid).then((p) => p.length)).toBe(1);
    const [runner] = await childPids(easel.pid);
    const before = (await easel.client.history.transitions.query({ limit: 500 })).items;
    expect(before[0]).toMatchObject({ to: 'LOADING', modelId: 'slow' });

    await easel.kill();
    // The orphaned runner notices its parent is gone and exits by itself.
    await expect.poll(() => processExists(runner!), { timeout: 10_000 }).toBe(false);

    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
    expect((await easel.client.models.status.query()).models).toEqual([]);
    const after = (await easel.client.history.transitions.query({ limit: 500 })).items;
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({ from: 'LOADING', to: 'IDLE', reason: 'RECOVERED_AFTER_RESTART', actor: 'system', modelId: 'slow' });
    const models = await easel.client.models.list.query();
    expect(models.map((m) => m.id).sort()).toEqual(['slow', 'tiny']);
  });
});
