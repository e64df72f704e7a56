// The runner started ahead of need (EASEL_WARM_RUNNER=1, the default): a load takes it instead of booting a
// process, a new one is started for the next load once the server is quiet again (never during the load), and
// none outlives the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { childPids, makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

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

  it('starts no second runner while a load is in progress, and one once it is over', async () => {
    await writeTinyModel(join(easel.modelsDir, 'slow'), { slow: true });
    await easel.client.models.register.mutate({ path: 'slow' });
    await expect.poll(() => childPids(easel.pid)).toHaveLength(1);
    const [spare] = await childPids(easel.pid);
    const load = easel.client.models.load.mutate({ id: 'slow' });
    await expect.poll(() => easel.client.models.status.query().then((s) => s.models.find((m) => m.modelId === 'slow')?.loadProgress?.part), { timeout: 30_000 }).toBe('unet');
    // The slow UNet takes seconds to open: look several times while it does.
    for (let look = 0; look < 5; look++) {
      expect(await childPids(easel.pid)).toEqual([spare]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await load;
    await expect.poll(() => childPids(easel.pid), { timeout: 15_000 }).toHaveLength(2);
    await easel.client.models.unload.mutate();
  });

  it('loads in the runner started ahead and starts the next one', async () => {
    await expect.poll(() => childPids(easel.pid)).toHaveLength(1);
    const [spare] = await childPids(easel.pid);
    await easel.client.models.load.mutate({ id: 'easel-demo' });
    // The next one starts once the server has been quiet for a second.
    await expect.poll(() => childPids(easel.pid), { timeout: 15_000 }).toHaveLength(2);
    expect(await childPids(easel.pid)).toContain(spare);

    await easel.client.models.unload.mutate();
    expect(processExists(spare!)).toBe(false);
    const left = await childPids(easel.pid);
    expect(left).toHaveLength(1);

    await easel.stop();
    expect(processExists(left[0]!)).toBe(false);
  });
});
