// The migration folders shipped in prisma/: their names, SQL and Prisma-compatible checksums.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseProvider } from './database.js';

export interface MigrationFile {
  /** The folder name, e.g. 20261130043551_init; also the migration_name in _prisma_migrations. */
  name: string;
  path: string;
  sql: string;
  /** sha256 of migration.sql in hex, as Prisma records it. */
  checksum: string;
}

const MIGRATIONS_DIRS: Record<DatabaseProvider, string> = {
  sqlite: fileURLToPath(new URL('../../prisma/migrations', import.meta.url)),
  postgresql: fileURLToPath(new URL('../../prisma/postgres/migrations', import.meta.url)),
};

export function migrationsDirFor(provider: DatabaseProvider): string {
  return MIGRATIONS_DIRS[provider];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every folder holding a migration.sql, in applying order (names start with a UTC timestamp). */
export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const path = join(dir, name, 'migration.sql');
      const sql = readFileSync(path, 'utf8');
      return { name, path, sql, checksum: sha256(sql) };
    });
}
