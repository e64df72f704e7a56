// generate.start checks an init image before any job exists: a PNG whose header claims 60000×60000 is refused
// with 400 INVALID_INPUT and leaves no generation behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf } from '../../../client/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { pngClaiming } from '../../helpers/png-claiming.js';

describe('the init image at generate.start', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('refuses a 60000×60000 header with 400 INVALID_INPUT before queueing anything', async () => {
    const error = await easel.client.generate.start.mutate({ prompt: 'a red circle', image: pngClaiming(60000, 60000), strength: 0.5 }).catch((e: unknown) => e);
    expect(easelCodeOf(error)).toBe('INVALID_INPUT');
    expect((error as { data: { httpStatus: number } }).data.httpStatus).toBe(400);
    expect((error as Error).message).toMatch(/60000×60000/);
    expect((await easel.client.history.generations.query({})).items).toEqual([]);
  });
});
