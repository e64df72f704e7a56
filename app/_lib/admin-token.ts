// The admin token (EASEL_ADMIN_TOKEN) the history page sends, kept in this browser's localStorage.
const KEY = 'easel.adminToken';

export function readAdminToken(): string | null {
  if (typeof window === 'undefined') return null;
  return window.localStorage.getItem(KEY);
}

export function saveAdminToken(token: string | null): void {
  if (token) window.localStorage.setItem(KEY, token);
  else window.localStorage.removeItem(KEY);
}
