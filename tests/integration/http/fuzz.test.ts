// No request can stop the GPU server: malformed request lines and targets, absolute-form URLs, bad hosts and
// ports, oversized headers and bodies, random bytes and a bounded number of slow clients each get a 4xx (or a
// closed connection), never a 5xx, and /healthz still answers afterwards.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, processExists, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { request, sendRaw } from './raw-requests.js';

const MALFORMED: Array<[string, string | Buffer]> = [
  ['an absolute-form target with a broken IPv6 host', request('GET', 'http://[::1/trpc/models.status')],
  ['an absolute-form target with a port above 65535', request('GET', 'http://localhost:99999/healthz')],
  ['an absolute-form target', request('GET', 'http://127.0.0.1/trpc/models.status')],
  ['an asterisk target', request('GET', '*')],
  ['an authority-form target', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'],
  ['a scheme-relative target', request('GET', '//evil.example/trpc/models.status')],
  ['a broken percent escape', request('GET', '/trpc/models.get?input=%E0%A4%A')],
  ['a percent-encoded NUL in the path', request('GET', '/trpc/models.get%00?input={}')],
  ['a target with spaces', 'GET /trpc/models status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
  ['an unknown HTTP version', 'GET /healthz HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n'],
  ['binary garbage', Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])],
  ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n'],
  ['no Host header', 'GET /healthz HTTP/1.1\r\n\r\n'],
  ['a Host with a port above 65535', request('GET', '/healthz', ['Host: localhost:99999'])],
  ['a Host with an unclosed IPv6 bracket', request('GET', '/healthz', ['Host: [::1'])],
  ['a Host with a path in it', request('GET', '/healthz', ['Host: 127.0.0.1/x'])],
  ['two Host headers, the first foreign', request('GET', '/healthz', ['Host: attacker.example', 'Host: 127.0.0.1'])],
  ['headers of 64 KiB', request('GET', '/healthz', ['Host: 127.0.0.1', `X-Big: ${'a'.repeat(64 * 1024)}`])],
  ['3000 headers', request('GET', '/healthz', ['Host: 127.0.0.1', ...Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`)])],
  ['a target of 100 KiB', request('GET', `/trpc/models.get?input=${'a'.repeat(100 * 1024)}`)],
  ['a negative Content-Length', request('POST', '/trpc/models.scan', ['Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: -5'])],
  ['Content-Length with Transfer-Encoding', request('POST', '/trpc/models.scan', ['Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 3', 'Transfer-Encoding: chunked'], '0\r\n\r\n')],
  ['broken chunked framing', request('POST', '/trpc/models.scan', ['Host: 127.0.0.1', 'Content-Type: application/json', 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n')],
  ['a declared body above the limit', request('POST', '/trpc/models.register', ['Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${17 * 1024 * 1024}`], '{"json":')],
  ['a body that is not JSON', request('POST', '/trpc/models.register', ['Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 5'], '{{{{{')],
  ['an unknown method', request('BREW', '/trpc/models.status')],
];

/** Deterministic random request lines: a seeded generator, so a failure can be replayed. */
function* randomRequests(count: number): Generator<Buffer> {
  let state = 0x2545f491;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
  const pieces = ['GET ', 'POST ', '/', '/trpc/', 'models.status', '?input=', '%', '[', ']', ':', '@', '#', ' HTTP/1.1', '\r\n', 'Host: ', '127.0.0.1', '\u00ff', '\x00', '..', 'http://'];
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    const length = 2 + (next() % 12);
    for (let j = 0; j < length; j++) parts.push(next() % 4 === 0 ? String.fromCharCode(next()) : pieces[next() % pieces.length]!);
    yield Buffer.from(`${parts.join('')}\r\n\r\n`, 'latin1');
  }
}

describe('the GPU server under malformed requests', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let port: number;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
    port = Number(new URL(easel.url).port);
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  async function expectHealthy(): Promise<void> {
    expect(processExists(easel.pid)).toBe(true);
    const answer = await sendRaw(port, request('GET', '/healthz'));
    expect(answer.status).toBe(200);
  }

  it.each(MALFORMED)('answers %s with a 4xx and keeps serving', async (_name, bytes) => {
    const answer = await sendRaw(port, bytes);
    if (answer.status !== null) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    await expectHealthy();
  });

  it('answers headers above the limit with 431', async () => {
    const answer = await sendRaw(port, request('GET', '/healthz', ['Host: 127.0.0.1', `X-Big: ${'a'.repeat(64 * 1024)}`]));
    expect(answer.status).toBe(431);
  });

  it('survives 300 random request lines, none answered with a 5xx', async () => {
    const statuses: Array<number | null> = [];
    for (const bytes of randomRequests(300)) statuses.push((await sendRaw(port, bytes)).status);
    expect(statuses.filter((status) => status !== null && status >= 500)).toEqual([]);
    await expectHealthy();
  });

  it('keeps answering while 50 slow clients hold half-sent requests', async () => {
    const slow: Socket[] = await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
              resolve(socket);
            });
            socket.on('error', () => undefined);
          }),
      ),
    );
    try {
      await expectHealthy();
      await expect(easel.client.models.list.query()).resolves.toEqual([]);
    } finally {
      for (const socket of slow) socket.destroy();
    }
    await expectHealthy();
  });
});
