'use client';
// One live subscription to models.onStatus for the whole UI. The server sends the current status first on
// every (re)connection, so after a drop the UI shows the present state, and every query is refetched because
// anything may have changed meanwhile. Lifecycle changes also refresh the registry views.
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { readableError } from './errors';
import { lifecycleKey } from './resident';
import { useTRPC, type ModelStatus } from './trpc';

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface LiveStatus {
  /** The GPU server's lifecycle status as last received; undefined before the first message. */
  status: ModelStatus | undefined;
  connection: Connection;
  /** Counts lifecycle transitions seen (state or model changed), for views that follow the audit log. */
  transitions: number;
  /** Why the connection is down, while it is. */
  error: string | null;
}

const LiveStatusContext = createContext<LiveStatus>({ status: undefined, connection: 'connecting', transitions: 0, error: null });

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

/** Waits between attempts after the stream failed for good (e.g. the GPU server was down when it reconnected). */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];

export function StatusProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveStatus>({ status: undefined, connection: 'connecting', transitions: 0, error: null });
  const last = useRef<ModelStatus | undefined>(undefined);
  const dropped = useRef(false);
  const failures = useRef(0);

  const markDropped = (error: unknown) => {
    dropped.current = true;
    setLive((s) => ({ ...s, connection: 'reconnecting', error: readableError(error) }));
  };

  const subscription = useSubscription(
    trpc.models.onStatus.subscriptionOptions(undefined, {
      onData(status) {
        const previous = last.current;
        last.current = status;
        failures.current = 0;
        const changed = previous === undefined || lifecycleKey(previous) !== lifecycleKey(status);
        if (dropped.current) {
          dropped.current = false;
          void queryClient.invalidateQueries();
        } else if (changed && previous !== undefined) {
          void queryClient.invalidateQueries(trpc.models.pathFilter());
          void queryClient.invalidateQueries(trpc.pipeline.pathFilter());
        }
        setLive((s) => ({ status, connection: 'live', transitions: changed ? s.transitions + 1 : s.transitions, error: null }));
      },
      onConnectionStateChange(state) {
        if (state.state === 'connecting' && state.error) markDropped(state.error);
      },
      onError: markDropped,
    }),
  );

  const { status: subscriptionStatus, reset } = subscription;
  useEffect(() => {
    if (subscriptionStatus !== 'error') return;
    const delay = RETRY_DELAYS_MS[Math.min(failures.current, RETRY_DELAYS_MS.length - 1)]!;
    failures.current += 1;
    const timer = setTimeout(reset, delay);
    return () => clearTimeout(timer);
  }, [subscriptionStatus, reset]);

  return <LiveStatusContext.Provider value={live}>{children}</LiveStatusContext.Provider>;
}
