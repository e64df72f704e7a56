// The typed Easel client for scripts: queries and mutations over HTTP, subscriptions over SSE (Node gets
// the `eventsource` package, since Node 20 has no EventSource), superjson on both ends; plus async
// iterators over a generation's progress and the model status, and the Easel code of an error.
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import type { Unsubscribable } from '@trpc/server/observable';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from '../server/api/root.js';
import type { JobEvent } from '../server/core/generation/job-events.js';
import type { ModelsStatus, ResidentStatus } from '../server/core/model-manager.js';
import type { PullEvent } from '../server/registry/hub/pull-event.js';

export type { AppRouter, JobEvent, ModelsStatus, PullEvent, ResidentStatus };
export type EaselClient = TRPCClient<AppRouter>;

export interface EaselClientOptions {
  /** The GPU server's tRPC endpoint, e.g. http://127.0.0.1:4100/trpc; a bare origin gets /trpc added (default: EASEL_URL or that). */
  url?: string;
  /** EASEL_ADMIN_TOKEN of the server, needed for history.transitions when the server sets one. */
  token?: string;
  /** Recorded as the actor of the transitions this client causes. */
  actor?: 'script' | 'ui';
}

export const DEFAULT_EASEL_URL = 'http://127.0.0.1:4100/trpc';

/** The tRPC endpoint for a URL given with or without its /trpc path (a bare origin means the server's /trpc). */
export function trpcUrlOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/trpc';
  return parsed.toString().replace(/\/$/, '');
}

/** Where the server's other routes live (`/images/…`, `/healthz`): the tRPC URL without its /trpc. */
export function serverBaseOf(url: string): string {
  return trpcUrlOf(url).replace(/\/trpc$/, '');
}

export function createEaselClient(options: EaselClientOptions = {}): EaselClient {
  const url = trpcUrlOf(options.url ?? process.env.EASEL_URL ?? DEFAULT_EASEL_URL);
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

/** The server's Easel error code (`NOT_FOUND`, `CANCELLED`, …) carried by a failed call, if any. */
export function easelCodeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error.data as { easelCode?: string } | null | undefined)?.easelCode;
}

type Observer<T> = {
  onData: (value: T) => void;
  onError: (error: unknown) => void;
  onComplete: () => void;
  onConnectionStateChange: (state: { state: string; error?: unknown }) => void;
};

/**
 * Turns a callback subscription into an async iterator that unsubscribes when the loop ends or `signal` aborts.
 * A dropped connection ends it with that error rather than waiting, unseen, for the server to come back.
 */
async function* iterate<T>(subscribe: (observer: Observer<T>) => Unsubscribable, isLast: (value: T) => boolean, signal?: AbortSignal): AsyncGenerator<T> {
  const pending: T[] = [];
  let failure: { error: unknown } | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => wake?.();
  const subscription = subscribe({
    onData: (value) => (pending.push(value), notify()),
    onError: (error) => ((failure = { error }), notify()),
    onComplete: () => ((ended = true), notify()),
    onConnectionStateChange: (change) => {
      if (change.state === 'connecting' && change.error) (failure = { error: change.error }), notify();
    },
  });
  signal?.addEventListener('abort', notify);
  try {
    while (!signal?.aborted) {
      const value = pending.shift();
      if (value !== undefined) {
        yield value;
        if (isLast(value)) return;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    subscription.unsubscribe();
    signal?.removeEventListener('abort', notify);
  }
}

const FINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['done', 'failed', 'cancelled']);

/**
 * A generation's progress events (queued → running steps → done | failed | cancelled), ending after the final
 * one. A job that already ended yields just its final event.
 */
export function followGeneration(client: EaselClient, id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
  return iterate<JobEvent>(
    (observer) => client.generate.onProgress.subscribe({ id }, observer),
    (event) => FINAL_JOB_STATUSES.has(event.status),
    options.signal,
  );
}

/** The model cache's status, then every change (load progress included), until `signal` aborts or the loop breaks. */
export function watchStatus(client: EaselClient, options: { signal?: AbortSignal } = {}): AsyncGenerator<ModelsStatus> {
  return iterate<ModelsStatus>((observer) => client.models.onStatus.subscribe(undefined, observer), () => false, options.signal);
}

const FINAL_PULL_STATUSES: ReadonlySet<string> = new Set(['done', 'failed', 'cancelled']);

/** A pull's progress (models.onPull), from its current snapshot to its final event: done, failed or cancelled. */
export function followPull(client: EaselClient, pullId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<PullEvent> {
  return iterate<PullEvent>(
    (observer) => client.models.onPull.subscribe({ pullId }, observer),
    (event) => FINAL_PULL_STATUSES.has(event.status),
    options.signal,
  );
}
