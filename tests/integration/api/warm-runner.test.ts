// The runner started ahead of need (EASEL_WARM_RUNNER=1, the default): a load takes it instead of booting a
// process, a new one is started for the next load, and none outlives the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

describe('warm runner', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_WARM_RUNNER: '1' } });
  });

  afterAll(async () => {
    await removeDataDir(dataDir);
  });

  it('loads in the runner started ahead and starts the next one', async () => {
    await expect.poll(() => childPids(easel.pid)).toHaveLength(1);
    const [spare] = await childPids(easel.pid);
    await easel.client.models.load.mutate({ id: 'easel-demo' });
    await expect.poll(() => childPids(easel.pid)).toHaveLength(2);
    expect(await childPids(easel.pid)).toContain(spare);

    await easel.client.models.unload.mutate();
    expect(processExists(spare!)).toBe(false);
    const left = await childPids(easel.pid);
    expect(left).toHaveLength(1);

    await easel.stop();
    expect(processExists(left[0]!)).toBe(false);
  });
});
