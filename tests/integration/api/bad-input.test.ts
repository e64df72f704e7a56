// Bad input through the real server: each case gets a typed error a person can act on, and leaves the
// registry, the audit log and the lifecycle state exactly as they were.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../../client/index.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';

interface Snapshot {
  models: string;
  audit: string;
  state: string;
}

describe('bad input', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
    const models = easel.modelsDir;
    await writeTinyModel(join(models, 'tiny'));
    await writeTinyModel(join(models, 'corrupt'), { corrupt: 'unet' });
    await writeTinyModel(join(models, 'no-unet'), { omit: 'unet' });
    await writeTinyModel(join(models, 'wrong-names'), { wrongNames: 'vae_decoder' });
    await writeTinyModel(join(models, 'wrong-dtype'), { wrongDtype: 'text_encoder' });
    await mkdir(join(models, 'escape'), { recursive: true });
    await symlink('/etc', join(models, 'etc-link'));
    await writeTinyModel(join(models, 'linked-part'));
    await writeFile(join(models, 'not-a-folder.onnx'), 'x');
    await easel.client.models.register.mutate({ path: 'tiny' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  async function snapshot(): Promise<Snapshot> {
    const [models, audit, status] = await Promise.all([
      easel.client.models.list.query(),
      easel.client.history.transitions.query({ limit: 500 }),
      easel.client.models.status.query(),
    ]);
    return { models: JSON.stringify(models), audit: JSON.stringify(audit.items), state: status.models.map((m) => `${m.modelId}:${m.state}`).join(',') };
  }

  /** Runs `call`, expects a TRPCClientError with `code`, and checks nothing changed. */
  async function expectRefused(call: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
    const before = await snapshot();
    const error = await call().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, 'the call should fail').toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data as { easelCode?: string } | undefined;
    expect(data?.easelCode).toBe(code);
    expect((error as Error).message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  }

  it('refuses a path that does not exist', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'nowhere' }), 'NOT_FOUND', /No folder at "nowhere"/));

  it('refuses an absolute path outside the model roots', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: '/etc' }), 'PATH_OUTSIDE_ROOTS', /outside the model folders/));

  it('refuses a ".." trick out of the roots', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'tiny/../../../etc' }), 'PATH_OUTSIDE_ROOTS', /outside/));

  it('refuses a symlink that leads out of the roots', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'etc-link' }), 'PATH_OUTSIDE_ROOTS', /leads to \/etc/));

  it('refuses a model whose part links out of the roots', async () => {
    await symlink('/etc/hostname', join(easel.modelsDir, 'linked-part', 'unet', 'escape.bin'));
    await expectRefused(() => easel.client.models.register.mutate({ path: 'linked-part' }), 'PATH_OUTSIDE_ROOTS', /unet\/escape\.bin/);
  });

  it('refuses a file that is not a folder', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'not-a-folder.onnx' }), 'INVALID_MODEL', /not a model folder/));

  it('refuses an empty folder, naming what is missing', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'escape' }), 'INVALID_MODEL', /model_index\.json/));

  it('refuses a corrupt ONNX part, naming it', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'corrupt' }), 'INVALID_MODEL', /unet/));

  it('refuses a model without a UNet', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'no-unet' }), 'INVALID_MODEL', /unet\/model\.onnx/));

  it('refuses wrong tensor names, naming the part', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'wrong-names' }), 'INVALID_MODEL', /vae_decoder/));

  it('refuses a tensor dtype it does not understand', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'wrong-dtype' }), 'INVALID_MODEL', /text_encoder/));

  it('refuses registering the same folder twice', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'tiny', id: 'tiny-again' }), 'ALREADY_EXISTS', /already registered/));

  it('refuses an empty path', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: '' }), 'INVALID_INPUT', /path: a folder path is required/));

  it('refuses an oversized path string', () =>
    expectRefused(() => easel.client.models.register.mutate({ path: 'x'.repeat(10_000) }), 'INVALID_INPUT', /4096/));

  it('refuses a malformed model id', () =>
    expectRefused(() => easel.client.models.get.query({ id: 'Bad Id!' }), 'INVALID_INPUT', /lower-case/));

  it('answers an unknown id with NOT_FOUND', () =>
    expectRefused(() => easel.client.models.get.query({ id: 'ghost' }), 'NOT_FOUND', /No model with id "ghost"/));

  it('refuses to load an unknown id', () =>
    expectRefused(() => easel.client.models.load.mutate({ id: 'ghost' }), 'NOT_FOUND', /No model with id "ghost"/));

  it.each(['5 minutes', -2, 1e12])('refuses a malformed keep-alive (%s)', (keepAlive) =>
    expectRefused(() => easel.client.models.load.mutate({ id: 'tiny', keepAlive }), 'INVALID_INPUT', /keepAlive/));

  it('refuses to generate with an unknown model', () =>
    expectRefused(() => easel.client.generate.start.mutate({ prompt: 'a fox', model: 'ghost' }), 'NOT_FOUND', /No model with id "ghost"/));

  it('refuses a history page size out of bounds', () =>
    expectRefused(() => easel.client.history.transitions.query({ limit: 100_000 }), 'INVALID_INPUT', /limit/));

  it('refuses an unknown state filter', () =>
    expectRefused(() => easel.client.history.transitions.query({ to: 'SLEEPING' as never }), 'INVALID_INPUT', /to/));

  it('answers malformed JSON with a parse error', async () => {
    const before = await snapshot();
    const response = await fetch(`${easel.trpcUrl}/models.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"json": {"path": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { json: { message: string; data: { easelCode: string } } } };
    expect(body.error.json.data.easelCode).toBe('INVALID_INPUT');
    expect(body.error.json.message).toMatch(/not valid JSON/);
    expect(await snapshot()).toEqual(before);
  });

  it('answers an unknown procedure with NOT_FOUND', async () => {
    const response = await fetch(`${easel.trpcUrl}/models.explode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { json: { data: { easelCode: string } } } };
    expect(body.error.json.data.easelCode).toBe('NOT_FOUND');
  });

  it('refuses to remove a model while it is loaded', async () => {
    await easel.client.models.load.mutate({ id: 'tiny' });
    await expectRefused(() => easel.client.models.remove.mutate({ id: 'tiny' }), 'MODEL_IN_USE', /unload it first/);
  });

  it('holds a load sent while the model is unloading until the unload ends, then loads it again', async () => {
    expect((await easel.client.models.status.query()).models.map((m) => `${m.modelId}:${m.state}`)).toEqual(['tiny:LOADED']);
    // One HTTP batch: the unload is queued first, so the load meets UNLOADING.
    const batch = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: easel.trpcUrl, transformer: superjson })] });
    const [unload, load] = await Promise.allSettled([batch.models.unload.mutate(), batch.models.load.mutate({ id: 'tiny' })]);
    expect(unload.status).toBe('fulfilled');
    expect(load.status).toBe('fulfilled');
    const loaded = (load as PromiseFulfilledResult<Awaited<ReturnType<typeof batch.models.load.mutate>>>).value;
    expect(loaded.models.map((m) => `${m.modelId}:${m.state}`)).toEqual(['tiny:LOADED']);
    const { items } = await easel.client.history.transitions.query({ limit: 4 });
    expect(items.map((r) => r.reason)).toEqual(['LOAD_COMPLETED', 'LOAD_REQUESTED', 'UNLOAD_COMPLETED', 'UNLOAD_REQUESTED']);
    await easel.client.models.unload.mutate();
  });

  it('keeps serving after all of it', async () => {
    const loaded = await easel.client.models.load.mutate({ id: 'tiny' });
    expect(loaded.models.map((m) => `${m.modelId}:${m.state}`)).toEqual(['tiny:LOADED']);
    await easel.client.models.unload.mutate();
    expect((await easel.client.models.list.query()).map((m) => m.id)).toEqual(['tiny']);
  });
});
