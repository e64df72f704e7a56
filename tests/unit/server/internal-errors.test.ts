// An unexpected error (a raw Prisma message, say) reaches the caller as a generic message with the request id;
// the details stay in the server's log. Errors with an Easel code keep their message.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import { createContextInner } from '../../../server/api/context.js';
import type { Services } from '../../../server/api/services.js';
import { publicProcedure, router } from '../../../server/api/trpc.js';
import { EaselError } from '../../../server/core/errors.js';

const RAW = 'Invalid `prisma.generation.create()` invocation in /work/server/db/generation-repository.ts:57:38 → 57 const row = await generations.create(';

const testRouter = router({
  raw: publicProcedure.mutation(() => {
    throw new Error(RAW);
  }),
  named: publicProcedure.mutation(() => {
    throw new EaselError('NOT_FOUND', 'No model with id "x" is registered');
  }),
});

const services = { security: { adminToken: null, userToken: null } } as unknown as Services;

async function call(path: string): Promise<{ message: string; data: { easelCode: string } }> {
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    req: new Request(`http://127.0.0.1/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    router: testRouter,
    createContext: () => createContextInner(services, { requestId: 'req-42' }),
  });
  return ((await response.json()) as { error: { json: { message: string; data: { easelCode: string } } } }).error.json;
}

describe('errors of kind INTERNAL', () => {
  it('answer with a generic message and the request id, never the raw message', async () => {
    const error = await call('raw');
    expect(error.message).toBe('Internal server error (request id req-42); the server log has the details under that id');
    expect(JSON.stringify(error)).not.toContain('prisma');
    expect(error.data.easelCode).toBe('INTERNAL');
  });

  it('leave errors with an Easel code as they are', async () => {
    expect(await call('named')).toMatchObject({ message: 'No model with id "x" is registered', data: { easelCode: 'NOT_FOUND' } });
  });
});
