// Opens the database DATABASE_URL names, applying pending migrations first, and hands back a ready Prisma client.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { applyPgMigrations } from './apply-pg-migrations.js';
import { applySqliteMigrations, SQLITE_BUSY_TIMEOUT_MS } from './apply-sqlite-migrations.js';
import type { Database } from './database.js';
import { parseDatabaseUrl } from './database-url.js';
import { migrationsDirFor, readMigrationFiles } from './migration-files.js';
import type { PrismaClient } from './generated/sqlite/client.js';

async function openSqlite(file: string): Promise<Database> {
  mkdirSync(dirname(file), { recursive: true });
  applySqliteMigrations(file, readMigrationFiles(migrationsDirFor('sqlite')));
  const { PrismaClient: SqliteClient } = await import('./generated/sqlite/client.js');
  const prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }) });
  // synchronous is per connection. With WAL, NORMAL already survives SIGKILL (committed pages sit in the OS cache),
  // but FULL also survives power loss and costs one fsync per commit, which Easel's few writes per second can afford.
  await prisma.$executeRawUnsafe('PRAGMA synchronous = FULL');
  return { provider: 'sqlite', prisma, close: () => prisma.$disconnect() };
}

async function openPostgres(url: string): Promise<Database> {
  await applyPgMigrations(url, readMigrationFiles(migrationsDirFor('postgresql')));
  const { PrismaClient: PgClient } = await import('./generated/pg/client.js');
  const client = new PgClient({ adapter: new PrismaPg({ connectionString: url }) });
  await client.$connect();
  // Same models and fields as the SQLite client (see database.ts), so one type serves both.
  const prisma = client as unknown as PrismaClient;
  return { provider: 'postgresql', prisma, close: () => client.$disconnect() };
}

/** url: "file:/abs/path.db" (SQLite) or "postgres://…" / "postgresql://…". */
export async function openDatabase({ url }: { url: string }): Promise<Database> {
  const location = parseDatabaseUrl(url);
  return location.provider === 'sqlite' ? openSqlite(location.file) : openPostgres(location.url);
}
