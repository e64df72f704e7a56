'use client';
// Client-side plumbing shared by every page: TanStack Query, the tRPC client and the live model status.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { StatusProvider } from './_lib/live-status';
import { RoleProvider } from './_lib/role';
import { SignInGate } from './_components/sign-in-gate';
import { createBrowserClient, TRPCProvider } from './_lib/trpc';

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Lifecycle changes arrive over the status stream and invalidate what they touch; no polling anywhere.
      queries: { staleTime: 30_000, refetchOnWindowFocus: true, refetchOnReconnect: true, retry: 1 },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(createBrowserClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <RoleProvider>
          <SignInGate>
            <StatusProvider>{children}</StatusProvider>
          </SignInGate>
        </RoleProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
