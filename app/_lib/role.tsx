'use client';
// The signed-in role (auth.whoami), for the sign-in gate and for controls the role can't use: they stay
// visible, disabled, and say which role they need.
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { useTRPC } from './trpc';

export type Role = 'admin' | 'user' | 'local';

export interface RoleState {
  /** Null until known, and while a token is needed but none valid is signed in. */
  role: Role | null;
  tokensRequired: boolean;
  loading: boolean;
  /** Why the last sign-in does not count: none made, or a token the server no longer takes. */
  problem: 'missing' | 'wrong' | null;
  refresh: () => void;
}

const RoleContext = createContext<RoleState>({ role: 'local', tokensRequired: false, loading: false, problem: null, refresh: () => undefined });

export function useRole(): RoleState {
  return useContext(RoleContext);
}

/** Why the signed-in role can't use an admin control, or null when it can. */
export function adminOnlyReason(role: Role | null): string | null {
  return role === 'user' ? 'Needs the admin role: sign in with EASEL_ADMIN_TOKEN' : null;
}

export function RoleProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const whoami = useQuery(trpc.auth.whoami.queryOptions(undefined, { staleTime: Infinity, retry: 2 }));
  const value: RoleState = {
    role: whoami.data?.role ?? null,
    tokensRequired: whoami.data?.tokensRequired ?? false,
    loading: whoami.isPending,
    problem: whoami.data?.problem ?? null,
    refresh: () => void whoami.refetch(),
  };
  return <RoleContext.Provider value={value}>{children}</RoleContext.Provider>;
}
