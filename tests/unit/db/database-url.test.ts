import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../server/db/database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads file:/abs/path as a SQLite file', () => {
    expect(parseDatabaseUrl('file:/var/easel/easel.db')).toEqual({ provider: 'sqlite', file: '/var/easel/easel.db' });
  });

  it('reads a file:// URL as a SQLite file', () => {
    expect(parseDatabaseUrl('file:///var/easel/my%20data.db')).toEqual({ provider: 'sqlite', file: '/var/easel/my data.db' });
  });

  it('resolves a relative SQLite path against the working directory', () => {
    expect(parseDatabaseUrl('file:./data/easel.db')).toEqual({ provider: 'sqlite', file: resolve('data/easel.db') });
  });

  it.each(['postgres://easel@db/easel', 'postgresql://easel:pw@db:5433/easel?sslmode=require'])('reads %s as PostgreSQL', (url) => {
    expect(parseDatabaseUrl(url)).toEqual({ provider: 'postgresql', url });
  });

  it.each(['mysql://db/easel', 'easel.db', 'file:'])('rejects %s with INVALID_INPUT', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
