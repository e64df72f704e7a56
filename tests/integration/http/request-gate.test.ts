// The request gate of the GPU server: DNS-rebinding Hosts, foreign Origins, cross-site fetches and form
// encodings are refused with 403/415 before any procedure runs, so a page on another site can't unload the
// model; the allow-lists open exactly what they name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { request, sendRaw } from './raw-requests.js';

const JSON_POST = ['Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 0'];
const FORM = '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n';

describe('the request gate of the GPU server', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let port: number;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_ALLOWED_HOSTS: 'easel.lan', EASEL_ALLOWED_ORIGINS: 'https://tools.example' } });
    port = Number(new URL(easel.url).port);
    await easel.client.models.load.mutate({ id: 'easel-demo' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('refuses a Host that is not this machine, naming EASEL_ALLOWED_HOSTS', async () => {
    for (const target of ['/trpc/models.status', '/healthz', '/images/00000000-0000-0000-0000-000000000000.png']) {
      const answer = await sendRaw(port, request('GET', target, ['Host: attacker.example']));
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('FORBIDDEN');
      expect(answer.text).toContain('EASEL_ALLOWED_HOSTS');
    }
  });

  it('accepts loopback names and the hosts EASEL_ALLOWED_HOSTS lists', async () => {
    for (const host of ['127.0.0.1', 'localhost', `localhost:${port}`, '[::1]', 'easel.lan', `easel.lan:${port}`]) {
      expect((await sendRaw(port, request('GET', '/healthz', [`Host: ${host}`]))).status).toBe(200);
    }
  });

  it('refuses a multipart form POST to models.unload (415) and a cross-origin one (403); the model stays loaded', async () => {
    const form = ['Host: 127.0.0.1', 'Content-Type: multipart/form-data; boundary=x', `Content-Length: ${FORM.length}`];
    expect((await sendRaw(port, request('POST', '/trpc/models.unload', form, FORM))).status).toBe(415);
    const crossSite = await sendRaw(port, request('POST', '/trpc/models.unload', [...form, 'Origin: http://evil.example'], FORM));
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).toContain('EASEL_ALLOWED_ORIGINS');
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const answer = await sendRaw(port, request('POST', '/trpc/models.cancel', ['Host: 127.0.0.1', `Content-Type: ${type}`, 'Content-Length: 1'], 'a'));
      expect(answer.status).toBe(415);
    }
    // Whatever the status's shape, the demo model is still in it as LOADED.
    expect(JSON.stringify(await easel.client.models.status.query())).toContain('"state":"LOADED"');
  });

  it('refuses JSON from a foreign Origin or marked cross-site, and accepts its own and listed origins', async () => {
    const body = '{"json":{"sampler":"EULER"}}';
    const post = (headers: string[]) => sendRaw(port, request('POST', '/trpc/pipeline.setSampler', ['Content-Type: application/json', `Content-Length: ${body.length}`, ...headers], body));
    expect((await post(['Host: 127.0.0.1', 'Origin: http://evil.example'])).status).toBe(403);
    expect((await post(['Host: 127.0.0.1', 'Origin: null'])).status).toBe(403);
    expect((await post(['Host: 127.0.0.1', 'Sec-Fetch-Site: cross-site'])).status).toBe(403);
    expect((await post([`Host: 127.0.0.1:${port}`, `Origin: http://127.0.0.1:${port}`, 'Sec-Fetch-Site: same-origin'])).status).toBe(200);
    expect((await post(['Host: 127.0.0.1', 'Origin: https://tools.example', 'Sec-Fetch-Site: cross-site'])).status).toBe(200);
  });

  it('gives subscriptions and images the same Host and Origin checks', async () => {
    const stream = await sendRaw(port, request('GET', '/trpc/models.onStatus', ['Host: 127.0.0.1', 'Accept: text/event-stream', 'Origin: http://evil.example']));
    expect(stream.status).toBe(403);
    const image = await sendRaw(port, request('GET', '/images/00000000-0000-0000-0000-000000000000.png', ['Host: 127.0.0.1', 'Sec-Fetch-Site: cross-site']));
    expect(image.status).toBe(403);
  });

  it('answers a refused tRPC call in tRPC\'s error shape, so clients read easelCode', async () => {
    const answer = await sendRaw(port, request('GET', '/trpc/models.status', ['Host: attacker.example']));
    expect(answer.text).toContain('{"error":{"json":{"message":"Requests for host');
    expect(answer.text).toContain('"code":-32003,"data":{"code":"FORBIDDEN","httpStatus":403,"easelCode":"FORBIDDEN"}}}}');
  });
});
