'use client';
// Asks for a token (EASEL_ADMIN_TOKEN or EASEL_USER_TOKEN) and signs in through /api/auth/sign-in, which keeps it
// in an HttpOnly cookie this page's scripts never read.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useRole } from '../_lib/role';

export function SignInForm() {
  const queryClient = useQueryClient();
  const { problem } = useRole();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(problem === 'wrong' ? 'The saved sign-in is no longer accepted; sign in again.' : null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token.trim() }) });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? `Sign-in failed (HTTP ${response.status})`);
        return;
      }
      setToken('');
      await queryClient.invalidateQueries();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page">
      <form className="card token-form" aria-labelledby="sign-in-heading" onSubmit={(e) => void submit(e)}>
        <h1 id="sign-in-heading">Sign in to Easel</h1>
        <p>
          This server needs a token: <code>EASEL_ADMIN_TOKEN</code> for everything, or <code>EASEL_USER_TOKEN</code> to generate and see your own images.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="sign-in-token">Token</label>
          <input id="sign-in-token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} required />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
            Sign in
          </button>
        </div>
      </form>
    </main>
  );
}
