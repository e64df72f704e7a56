// The compatibility APIs behind the same gates as tRPC: Host and Origin checks, JSON or multipart only, tokens
// and roles (a user token generates but can't load a checkpoint).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { replay, SESSION } from './a1111-session.js';

const USER = { authorization: 'Bearer user-secret' };
const ADMIN = { authorization: 'Bearer admin-secret' };

/** A GET with a Host header of our choosing (fetch always sends the URL's own). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...ADMIN, host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compatibility APIs behind the security gates', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_ADMIN_TOKEN: 'admin-secret', EASEL_USER_TOKEN: 'user-secret' }, token: 'admin-secret' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('needs a token: 401 in each API’s own shape', async () => {
    const openai = await fetch(`${easel.url}/v1/models`);
    expect(openai.status).toBe(401);
    expect((await openai.json()).error).toMatchObject({ type: 'authentication_error', code: 'unauthorized', message: expect.stringMatching(/needs a token/) });
    const a1111 = await replay(easel.url, SESSION.sdModels);
    expect(a1111).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    expect((await replay(easel.url, { ...SESSION.sdModels, headers: { ...SESSION.sdModels.headers, ...USER } })).status).toBe(200);
  });

  it("takes the token as the password of A1111 clients' Basic auth, and only there", async () => {
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`sillytavern:${password}`).toString('base64')}` });
    expect((await replay(easel.url, { ...SESSION.sdModels, headers: { ...SESSION.sdModels.headers, ...basic('user-secret') } })).status).toBe(200);
    expect((await replay(easel.url, { ...SESSION.sdModels, headers: { ...SESSION.sdModels.headers, ...basic('guess') } })).status).toBe(401);
    expect((await fetch(`${easel.url}/v1/models`, { headers: basic('user-secret') })).status).toBe(401);
  });

  it('refuses a cross-site page and a rebinding Host before anything runs', async () => {
    const crossSite = await replay(easel.url, { ...SESSION.txt2img, headers: { ...SESSION.txt2img.headers, ...ADMIN, origin: 'http://evil.example' } });
    expect(crossSite).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', detail: expect.stringMatching(/EASEL_ALLOWED_ORIGINS/) } });
    const form = new FormData();
    form.set('prompt', 'a red circle');
    form.set('image', new Blob([new Uint8Array([1])], { type: 'image/png' }), 'a.png');
    const edit = await fetch(`${easel.url}/v1/images/edits`, { method: 'POST', headers: { ...ADMIN, 'sec-fetch-site': 'cross-site' }, body: form });
    expect(edit.status).toBe(403);
    expect((await edit.json()).error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
    expect(await getWithHost(`${easel.url}/v1/models`, 'attacker.example')).toBe(403);
    expect(await getWithHost(`${easel.url}/v1/models`, new URL(easel.url).host)).toBe(200);
  });

  it('takes JSON bodies only as application/json', async () => {
    const response = await fetch(`${easel.url}/sdapi/v1/txt2img`, { method: 'POST', headers: { ...ADMIN, 'content-type': 'text/plain' }, body: '{"prompt":"x"}' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'INVALID_INPUT', detail: expect.stringMatching(/application\/json/) });
  });

  it('lets a user generate but not load a checkpoint', async () => {
    const load = await replay(easel.url, { ...SESSION.setCheckpoint, headers: { ...SESSION.setCheckpoint.headers, ...USER } });
    expect(load).toMatchObject({ status: 403, body: { error: 'FORBIDDEN', detail: expect.stringMatching(/override_settings\.sd_model_checkpoint/) } });
    const body = { ...SESSION.txt2img.body, batch_size: 1, width: 64, height: 64, override_settings: { sd_model_checkpoint: 'easel-demo' } };
    const made = await replay(easel.url, { ...SESSION.txt2img, headers: { ...SESSION.txt2img.headers, ...USER }, body });
    expect(made.status).toBe(200);
    expect(made.body.images).toHaveLength(1);
    const page = await easel.client.history.generations.query({});
    expect(page.items[0]).toMatchObject({ actor: 'a1111', ownerRole: 'user' });
  });
});
