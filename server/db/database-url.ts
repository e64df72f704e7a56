// Reads DATABASE_URL into the provider to use and where its data lives.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EaselError } from '../core/errors.js';

export type DatabaseLocation = { provider: 'sqlite'; file: string } | { provider: 'postgresql'; url: string };

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: 'postgresql', url };
  if (url.startsWith('file:')) {
    // "file:///abs" is a proper file URL; "file:/abs" and "file:./rel" are Prisma's SQLite spellings.
    const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
    if (path === '') throw new EaselError('INVALID_INPUT', `DATABASE_URL "${url}" names no file; use e.g. file:./data/easel.db`);
    return { provider: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
  }
  throw new EaselError(
    'INVALID_INPUT',
    `DATABASE_URL "${url}" is neither a SQLite file (file:/path/easel.db) nor PostgreSQL (postgres://user@host/db)`,
  );
}
