// Confinement at load time, with the real server and runner: a part file swapped for a link leading out of the
// registered folder after registration makes the next load fail with PATH_OUTSIDE_ROOTS, and nothing is opened;
// with the real file back the same model loads.
import { copyFile, mkdir, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

describe('confinement at load time', () => {
  let dataDir: string;
  let elsewhere: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    elsewhere = await makeDataDir('easel-outside-');
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
    await writeTinyModel(join(easel.modelsDir, 'tiny'));
    await easel.client.models.register.mutate({ path: 'tiny' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
    await removeDataDir(elsewhere);
  });

  it('refuses a part swapped for a link outside the registered folder, then loads once it is back', async () => {
    const unet = join(easel.modelsDir, 'tiny', 'unet', 'model.onnx');
    // The same bytes outside the folder: only where the file lives can make the load fail.
    await mkdir(join(elsewhere, 'unet'), { recursive: true });
    await copyFile(unet, join(elsewhere, 'unet', 'model.onnx'));
    await rename(unet, `${unet}.real`);
    await symlink(join(elsewhere, 'unet', 'model.onnx'), unet);

    const error = (await easel.client.models.load.mutate({ id: 'tiny' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/unet\/model\.onnx resolves to .* outside the registered folder/);
    const failed = await easel.client.history.transitions.query({ modelId: 'tiny', reason: 'LOAD_FAILED' });
    expect(failed.items[0]?.error).toMatch(/outside the registered folder/);

    await rename(`${unet}.real`, unet);
    await expect(easel.client.models.load.mutate({ id: 'tiny' })).resolves.toBeDefined();
  });
});
