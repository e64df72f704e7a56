'use client';
// Shows the sign-in form instead of the app while the server needs a token and none valid is signed in; once
// signed in, a line saying the role, with Sign out.
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useRole } from '../_lib/role';
import { SignInForm } from './sign-in-form';

export function SignInGate({ children }: { children: ReactNode }) {
  const { role, tokensRequired, loading } = useRole();
  const queryClient = useQueryClient();
  if (loading) return null;
  // Without an answer from the server (it may be down) the app shows its own connection state instead.
  if (!tokensRequired) return children;
  if (role === null) return <SignInForm />;
  const signOut = async () => {
    await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    queryClient.clear();
  };
  return (
    <>
      <p className="session" role="status">
        Signed in as <strong>{role}</strong>
        {role === 'user' && ' (generating and your own images; the registry, loading and the audit log need the admin role)'}.{' '}
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </p>
      {children}
    </>
  );
}
