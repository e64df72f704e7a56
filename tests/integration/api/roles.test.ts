// Roles through the real server: EASEL_ADMIN_TOKEN allows everything, EASEL_USER_TOKEN generating and reading
// one's own work; no token is 401, the wrong role 403 naming the role needed; tokens in the URL count for
// nothing; another owner's job does not exist for a user. A non-loopback bind without a token won't start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEaselClient, easelCodeOf, type EaselClient } from '../../../client/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

const ADMIN = 'admin-secret-token';
const USER = 'user-secret-token';

async function failure(call: Promise<unknown>): Promise<{ code: string | undefined; status: unknown; message: string }> {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e as { message: string; data?: { httpStatus?: number } },
  );
  return { code: easelCodeOf(error), status: error.data?.httpStatus, message: error.message };
}

describe('roles and tokens', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let admin: EaselClient;
  let user: EaselClient;
  let anonymous: EaselClient;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_ADMIN_TOKEN: ADMIN, EASEL_USER_TOKEN: USER }, token: ADMIN });
    admin = easel.client;
    user = createEaselClient({ url: easel.trpcUrl, token: USER });
    anonymous = createEaselClient({ url: easel.trpcUrl, token: '' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('answers a request without a token, or with a wrong one, with 401', async () => {
    expect(await failure(anonymous.models.status.query())).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(await failure(anonymous.generate.start.mutate({ prompt: 'a red circle' }))).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    const wrong = createEaselClient({ url: easel.trpcUrl, token: 'user-secret-tokem' });
    expect(await failure(wrong.history.generations.query({}))).toMatchObject({ code: 'UNAUTHORIZED', status: 401, message: expect.stringMatching(/not accepted/) });
  });

  it('never takes a token from the URL', async () => {
    const response = await fetch(`${easel.trpcUrl}/models.status?token=${ADMIN}`);
    expect(response.status).toBe(401);
  });

  it('tells each caller its role', async () => {
    await expect(anonymous.auth.whoami.query()).resolves.toEqual({ role: null, tokensRequired: true, problem: 'missing' });
    await expect(user.auth.whoami.query()).resolves.toMatchObject({ role: 'user', tokensRequired: true });
    await expect(admin.auth.whoami.query()).resolves.toMatchObject({ role: 'admin' });
  });

  it('refuses a user the registry, the lifecycle and the audit log with 403 naming the admin role', async () => {
    const models = await admin.models.list.query();
    const refused = [
      () => user.models.register.mutate({ path: 'easel-demo', id: 'copy' }),
      () => user.models.remove.mutate({ id: 'easel-demo' }),
      () => user.models.scan.mutate(),
      () => user.models.load.mutate({ id: 'easel-demo' }),
      () => user.models.unload.mutate(),
      () => user.models.cancel.mutate(),
      () => user.history.transitions.query({}),
      () => user.pipeline.setSampler.mutate({ sampler: 'EULER' }),
    ];
    for (const call of refused) expect(await failure(call())).toMatchObject({ code: 'FORBIDDEN', status: 403, message: expect.stringMatching(/admin role/) });
    expect(await admin.models.list.query()).toEqual(models);
    expect((await admin.history.transitions.query({})).items.filter((row) => row.reason === 'LOAD_REQUESTED')).toEqual([]);
  });

  it('lets a user read the status and the models, generate, and see only their own generations', async () => {
    await expect(user.models.status.query()).resolves.toBeDefined();
    await expect(user.models.list.query()).resolves.toContainEqual(expect.objectContaining({ id: 'easel-demo' }));
    await admin.models.load.mutate({ id: 'easel-demo' });
    const mine = await user.generate.start.mutate({ prompt: 'a red circle on a blue background', steps: 2, seed: 1 });
    const theirs = await admin.generate.start.mutate({ prompt: 'a huge green heart', steps: 2, seed: 2 });

    await expect(user.generate.get.query({ id: mine.id })).resolves.toMatchObject({ id: mine.id });
    const seenByUser = (await user.history.generations.query({})).items.map((g) => g.id);
    expect(seenByUser).toContain(mine.id);
    expect(seenByUser).not.toContain(theirs.id);
    const seenByAdmin = (await admin.history.generations.query({})).items.map((g) => g.id);
    expect(seenByAdmin).toEqual(expect.arrayContaining([mine.id, theirs.id]));

    expect(await failure(user.generate.get.query({ id: theirs.id }))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await failure(user.generate.cancel.mutate({ id: theirs.id }))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(admin.generate.get.query({ id: mine.id })).resolves.toMatchObject({ id: mine.id });
  });

  it('refuses to start on a non-loopback address without a token, naming the variables', async () => {
    const open = await makeDataDir();
    try {
      await expect(startEaselServer({ dataDir: open, env: { EASEL_HOST: '0.0.0.0', EASEL_DEMO_MODEL: '0' } })).rejects.toThrow(/EASEL_HOST=0\.0\.0\.0.*EASEL_ADMIN_TOKEN/s);
    } finally {
      await removeDataDir(open);
    }
  });
});
