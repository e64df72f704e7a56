// The browser's tRPC client: calls go to this origin's /api/trpc (forwarded to the GPU server), subscriptions
// ride on EventSource, which reconnects by itself; every call says it comes from the UI for the audit log.
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';
import { readAdminToken } from './admin-token';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type Outputs = inferRouterOutputs<AppRouter>;
export type ModelStatus = Outputs['models']['status'];
export type ModelRecord = Outputs['models']['list'][number];
export type Transition = Outputs['history']['transitions']['items'][number];
export type Generation = Outputs['history']['generations']['items'][number];
export type Sampler = Outputs['pipeline']['samplers'][number];
export type JobEvent = Outputs['generate']['onProgress'] extends AsyncIterable<infer E> ? E : never;
export type ActiveJob = Outputs['generate']['jobs'][number];
export type ClusterNode = Outputs['nodes']['list'][number];

const URL_PATH = '/api/trpc';

function headers(): Record<string, string> {
  const token = readAdminToken();
  return token ? { 'x-easel-actor': 'ui', authorization: `Bearer ${token}` } : { 'x-easel-actor': 'ui' };
}

export function createBrowserClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: URL_PATH, transformer: superjson }),
        false: httpBatchLink({ url: URL_PATH, transformer: superjson, headers }),
      }),
    ],
  });
}
