// EASEL_ADMIN_TOKEN guards the audit log, and once a token is set every procedure needs one (roles.test.ts has the rest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { createEaselClient } from '../../../client/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

describe('admin token', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0', EASEL_ADMIN_TOKEN: 's3cret' }, token: 's3cret' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('refuses history without the token', async () => {
    const anonymous = createEaselClient({ url: easel.trpcUrl, token: '' });
    const error = await anonymous.history.transitions.query({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ easelCode: 'UNAUTHORIZED', httpStatus: 401 });
  });

  it('refuses history with a wrong token', async () => {
    const wrong = createEaselClient({ url: easel.trpcUrl, token: 's3cres' });
    await expect(wrong.history.transitions.query({})).rejects.toThrow(/token was not accepted/);
  });

  it('serves history with the token, and nothing without it', async () => {
    await expect(easel.client.history.transitions.query({})).resolves.toMatchObject({ items: [] });
    const anonymous = createEaselClient({ url: easel.trpcUrl, token: '' });
    await expect(anonymous.models.status.query()).rejects.toThrow(/needs a token/);
  });
});
