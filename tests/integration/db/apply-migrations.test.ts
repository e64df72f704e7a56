import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPgMigrations } from '../../../server/db/apply-pg-migrations.js';
import { applySqliteMigrations } from '../../../server/db/apply-sqlite-migrations.js';
import { parseDatabaseUrl } from '../../../server/db/database-url.js';
import { readMigrationFiles } from '../../../server/db/migration-files.js';
import { TEST_DATABASES, type ScratchDatabase } from './test-databases.js';

async function apply(url: string, migrationsDir: string): Promise<string[]> {
  const location = parseDatabaseUrl(url);
  const files = readMigrationFiles(migrationsDir);
  if (location.provider === 'postgresql') return applyPgMigrations(location.url, files);
  mkdirSync(dirname(location.file), { recursive: true });
  return applySqliteMigrations(location.file, files);
}

async function query(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const location = parseDatabaseUrl(url);
  if (location.provider === 'sqlite') {
    const db = new BetterSqlite3(location.file);
    try {
      return db.prepare<[], Record<string, unknown>>(sql).all();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.each(TEST_DATABASES)('applying migrations to $name', (kind) => {
  let scratch: ScratchDatabase;
  let migrationsDir: string;

  const writeMigration = (name: string, sql: string): void => {
    mkdirSync(join(migrationsDir, name), { recursive: true });
    writeFileSync(join(migrationsDir, name, 'migration.sql'), sql);
  };
  const recordedNames = async (): Promise<unknown[]> =>
    (await query(scratch.url, 'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name')).map((row) => row.migration_name);

  beforeEach(async () => {
    scratch = await kind.scratch();
    migrationsDir = mkdtempSync(join(tmpdir(), 'easel-migrations-'));
    writeMigration('20260101000000_first', 'CREATE TABLE "First" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
  });

  afterEach(async () => {
    await scratch.dispose();
    rmSync(migrationsDir, { recursive: true, force: true });
  });

  it('rolls a failing migration back entirely, names its file, and applies it once it is fixed', async () => {
    writeMigration('20260102000000_second', 'CREATE TABLE "Second" ("id" INTEGER NOT NULL);\nINSERT INTO "Missing" VALUES (1);\n');
    const failure = apply(scratch.url, migrationsDir);
    await expect(failure).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('20260102000000_second') });
    expect(await recordedNames()).toEqual(['20260101000000_first']);
    await expect(query(scratch.url, 'SELECT * FROM "Second"')).rejects.toThrow();

    writeMigration('20260102000000_second', 'CREATE TABLE "Second" ("id" INTEGER NOT NULL);\n');
    expect(await apply(scratch.url, migrationsDir)).toEqual(['20260102000000_second']);
    expect(await recordedNames()).toEqual(['20260101000000_first', '20260102000000_second']);
  });

  it('refuses to go on when an applied migration was edited afterwards', async () => {
    await apply(scratch.url, migrationsDir);
    writeMigration('20260101000000_first', 'CREATE TABLE "First" ("id" INTEGER NOT NULL PRIMARY KEY, "extra" TEXT);\n');
    await expect(apply(scratch.url, migrationsDir)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('was changed after it was applied'),
    });
  });

  it('accepts an applied migration whose file only gained CRLF line endings', async () => {
    await apply(scratch.url, migrationsDir);
    writeMigration('20260101000000_first', 'CREATE TABLE "First" ("id" INTEGER NOT NULL PRIMARY KEY);\r\n');
    expect(await apply(scratch.url, migrationsDir)).toEqual([]);
  });
});
