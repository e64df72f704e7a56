// The typed Easel client for scripts: queries and mutations over HTTP, subscriptions over SSE (Node gets
// the `eventsource` package, since Node 20 has no EventSource), superjson on both ends.
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from '../server/api/root.js';

export type { AppRouter };
export type EaselClient = TRPCClient<AppRouter>;

export interface EaselClientOptions {
  /** The GPU server's tRPC endpoint, e.g. http://127.0.0.1:4100/trpc (default: EASEL_URL or that). */
  url?: string;
  /** EASEL_ADMIN_TOKEN of the server, needed for history.* when the server sets one. */
  token?: string;
  /** Recorded as the actor of the transitions this client causes. */
  actor?: 'script' | 'ui';
}

export const DEFAULT_EASEL_URL = 'http://127.0.0.1:4100/trpc';

export function createEaselClient(options: EaselClientOptions = {}): EaselClient {
  const url = (options.url ?? process.env.EASEL_URL ?? DEFAULT_EASEL_URL).replace(/\/$/, '');
  const token = options.token ?? process.env.EASEL_ADMIN_TOKEN;
  const headers: Record<string, string> = { 'x-easel-actor': options.actor ?? 'script' };
  if (token) headers.authorization = `Bearer ${token}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
          }),
        }),
        false: httpLink({ url, transformer: superjson, headers }),
      }),
    ],
  });
}
