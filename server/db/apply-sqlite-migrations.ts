// Applies pending migrations to a SQLite file at start-up, each in its own transaction, recording them in
// _prisma_migrations exactly as Prisma's schema engine does so `prisma migrate deploy` agrees.
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { EaselError } from '../core/errors.js';
import type { MigrationFile } from './migration-files.js';
import { pendingMigrations, type MigrationRow } from './migration-plan.js';

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

// Prisma's own DDL for the table, so either tool can take over a database the other started.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;

// Prisma's SQLite adapter writes times as ISO 8601 with an explicit offset.
const timestamp = (): string => new Date().toISOString().replace('Z', '+00:00');

/** Returns the names of the migrations it applied, oldest first. */
export function applySqliteMigrations(file: string, migrations: readonly MigrationFile[]): string[] {
  const db = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    // WAL is a property of the file: set once here, every later connection uses it.
    db.pragma('journal_mode = WAL');
    db.exec(MIGRATIONS_TABLE);
    const readRows = db.prepare<[], MigrationRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    const insertRow = db.prepare(
      `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
    );
    // One migration per IMMEDIATE transaction, re-planned under the write lock, so two processes starting at
    // once cannot both apply the same migration.
    const applyNext = db.transaction((): string | null => {
      const next = pendingMigrations(migrations, readRows.all())[0];
      if (next === undefined) return null;
      const startedAt = timestamp();
      try {
        db.exec(next.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new EaselError('INTERNAL', `Migration ${next.path} failed and was rolled back: ${reason}`, { cause: error });
      }
      insertRow.run(randomUUID(), next.checksum, timestamp(), next.name, startedAt);
      return next.name;
    });
    const applied: string[] = [];
    for (let name = applyNext.immediate(); name !== null; name = applyNext.immediate()) applied.push(name);
    return applied;
  } finally {
    db.close();
  }
}
