// Applies pending migrations to PostgreSQL at start-up, each in its own transaction, recording them in
// _prisma_migrations exactly as Prisma's schema engine does so `prisma migrate deploy` agrees.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EaselError } from '../core/errors.js';
import type { MigrationFile } from './migration-files.js';
import { pendingMigrations, type MigrationRow } from './migration-plan.js';

// The advisory lock key Prisma Migrate takes, so Easel and `prisma migrate deploy` never migrate at the same time.
const PRISMA_MIGRATE_LOCK = 72707369;
const LOCK_WAIT = '30s';

// Prisma's own DDL for the table, so either tool can take over a database the other started.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

async function lockMigrations(client: pg.Client): Promise<void> {
  await client.query(`SET lock_timeout = '${LOCK_WAIT}'`);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
  } catch (error) {
    throw new EaselError(
      'BUSY',
      `Another process has been migrating this database for ${LOCK_WAIT} (advisory lock ${PRISMA_MIGRATE_LOCK} is held); ` +
        'wait for it to finish or end that session, then start again',
      { cause: error },
    );
  }
  await client.query('RESET lock_timeout');
}

/** Returns the names of the migrations it applied, oldest first. Migrations must be transactional SQL (no CONCURRENTLY). */
export async function applyPgMigrations(url: string, migrations: readonly MigrationFile[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await lockMigrations(client);
    await client.query(MIGRATIONS_TABLE);
    const { rows } = await client.query<MigrationRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    const applied: string[] = [];
    for (const migration of pendingMigrations(migrations, rows)) {
      const startedAt = new Date();
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        const reason = error instanceof Error ? error.message : String(error);
        throw new EaselError('INTERNAL', `Migration ${migration.path} failed and was rolled back: ${reason}`, { cause: error });
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end();
  }
}
