'use client';
// Asks for EASEL_ADMIN_TOKEN when the server wants it, and keeps it in this browser.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { saveAdminToken } from '../../_lib/admin-token';

export function TokenForm({ rejected }: { rejected: boolean }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    saveAdminToken(token.trim());
    void queryClient.invalidateQueries();
  };
  return (
    <form className="card token-form" aria-labelledby="token-heading" onSubmit={submit}>
      <h2 id="token-heading">This page needs the admin token</h2>
      <p>
        The server was started with <code>EASEL_ADMIN_TOKEN</code>; enter that token to read the history. It is kept in this browser only.
      </p>
      {rejected && (
        <p className="error" role="alert">
          The saved token was not accepted; check it against the server’s EASEL_ADMIN_TOKEN.
        </p>
      )}
      <div className="field">
        <label htmlFor="admin-token">Admin token</label>
        <input id="admin-token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} required />
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={token.trim() === ''}>
          Use this token
        </button>
      </div>
    </form>
  );
}
