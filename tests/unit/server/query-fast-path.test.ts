// The lone-GET-query fast path answers with the same status and bytes as tRPC's standalone adapter, and leaves
// everything else (batches, mutations, unknown paths, malformed input) to the adapter.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createContextInner, type Context } from '../../../server/api/context.js';
import type { Services } from '../../../server/api/services.js';
import { adminProcedure, publicProcedure, router } from '../../../server/api/trpc.js';
import { EaselError } from '../../../server/core/errors.js';
import { createQueryFastPath } from '../../../server/http/query-fast-path.js';

const testRouter = router({
  area: router({
    when: publicProcedure.query(() => ({ at: new Date('2026-11-30T06:00:00Z'), n: 1n })),
    echo: publicProcedure.input(z.object({ id: z.string().min(2), at: z.date() })).query(({ input }) => input),
    missing: publicProcedure.input(z.object({ id: z.string() })).query(({ input }) => {
      throw new EaselError('NOT_FOUND', `No model with id "${input.id}" is registered`);
    }),
    crash: publicProcedure.query(() => {
      throw new Error('disk on fire');
    }),
    secret: adminProcedure.query(() => 'admin only'),
    change: publicProcedure.mutation(() => 'changed'),
  }),
});

const services = { security: { adminToken: 's3cret', userToken: null } } as unknown as Services;
const createContext = ({ req }: { req: IncomingMessage }): Context => {
  const bearer = req.headers.authorization?.replace(/^Bearer /, '');
  return createContextInner(services, { requestId: 'test', token: bearer });
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('the GET query fast path', () => {
  const errors: { fast: string[]; adapter: string[] } = { fast: [], adapter: [] };
  let fastHits = 0;
  let withFastPath: Server;
  let adapterOnly: Server;
  let fastUrl: string;
  let adapterUrl: string;

  beforeAll(async () => {
    const options = { router: testRouter, basePath: '/trpc/', createContext };
    const adapter = createHTTPHandler({ ...options, onError: ({ error }) => void errors.adapter.push(error.code) });
    const fast = createQueryFastPath({ ...options, onError: ({ error }) => void errors.fast.push(error.code) });
    const fallback = createHTTPHandler({ ...options, onError: ({ error }) => void errors.fast.push(error.code) });
    withFastPath = createServer((req, res) => {
      const handled = fast(req, res, new URL(req.url ?? '/', 'http://localhost'));
      if (handled) fastHits++;
      else fallback(req, res);
    });
    adapterOnly = createServer((req, res) => adapter(req, res));
    [fastUrl, adapterUrl] = await Promise.all([listen(withFastPath), listen(adapterOnly)]);
  });

  afterAll(async () => {
    await Promise.all([withFastPath, adapterOnly].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(superjson.serialize(value)))}`;

  const cases: { name: string; path: string; fast: boolean; headers?: Record<string, string> }[] = [
    { name: 'a query whose output has a Date and a bigint', path: 'area.when', fast: true },
    { name: 'a query with a superjson input', path: `area.echo?${input({ id: 'abc', at: new Date(0) })}`, fast: true },
    { name: 'an input that fails validation', path: `area.echo?${input({ id: 'a', at: new Date(0) })}`, fast: true },
    { name: 'an EaselError thrown by the procedure', path: `area.missing?${input({ id: 'nope' })}`, fast: true },
    { name: 'an unexpected exception', path: 'area.crash', fast: true },
    { name: 'an admin query without the token', path: 'area.secret', fast: true },
    { name: 'an admin query with the token', path: 'area.secret', fast: true, headers: { authorization: 'Bearer s3cret' } },
    { name: 'input that is not JSON', path: 'area.echo?input=%7Bnope', fast: false },
    { name: 'a GET to a mutation', path: 'area.change', fast: false },
    { name: 'an unknown procedure', path: 'area.nothing', fast: false },
    { name: 'a batch', path: `area.when,area.secret?batch=1&input=${encodeURIComponent('{}')}`, fast: false },
    { name: 'a streamed (jsonl) query', path: 'area.when', fast: false, headers: { 'trpc-accept': 'application/jsonl' } },
  ];

  it.each(cases)('answers $name exactly as the adapter does', async ({ path, fast, headers }) => {
    const hitsBefore = fastHits;
    const [mine, theirs] = await Promise.all([fetch(`${fastUrl}/trpc/${path}`, { headers }), fetch(`${adapterUrl}/trpc/${path}`, { headers })]);
    expect(fastHits - hitsBefore).toBe(fast ? 1 : 0);
    expect(mine.status).toBe(theirs.status);
    expect(mine.headers.get('content-type')).toBe(theirs.headers.get('content-type'));
    expect(mine.headers.get('vary')).toBe(theirs.headers.get('vary'));
    expect(await mine.text()).toBe(await theirs.text());
  });

  it('reports the same errors to onError as the adapter', () => {
    expect(errors.fast).toEqual(errors.adapter);
    expect(errors.fast).toContain('INTERNAL_SERVER_ERROR');
  });
});
