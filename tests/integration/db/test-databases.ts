// The databases the db tests run against: always a fresh SQLite file in a temporary directory, and also a fresh
// PostgreSQL database when EASEL_TEST_POSTGRES_URL names a server (e.g. postgres://easel@127.0.0.1:54329/postgres);
// and the hooks that give a describe block one migrated database of a kind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openDatabase } from '../../../server/db/open-database.js';
import { createScratchPostgres, type ScratchDatabase } from '../../helpers/scratch-postgres.js';

export type { ScratchDatabase };

export interface TestDatabaseKind {
  name: 'sqlite' | 'postgresql';
  scratch(): Promise<ScratchDatabase>;
}

const sqlite: TestDatabaseKind = {
  name: 'sqlite',
  async scratch() {
    const dir = mkdtempSync(join(tmpdir(), 'easel-db-'));
    return { url: `file:${join(dir, 'data', 'easel.db')}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

function postgres(adminUrl: string): TestDatabaseKind {
  return { name: 'postgresql', scratch: () => createScratchPostgres(adminUrl) };
}

const postgresUrl = process.env.EASEL_TEST_POSTGRES_URL;

export const TEST_DATABASES: readonly TestDatabaseKind[] = postgresUrl ? [sqlite, postgres(postgresUrl)] : [sqlite];

/**
 * Opens one migrated scratch database of `kind` for the enclosing describe block, hands it to `opened` before its
 * tests run, and closes and deletes it after them.
 */
export function useScratchDatabase(kind: TestDatabaseKind, opened: (db: Database) => void): void {
  let scratch: ScratchDatabase;
  let db: Database;
  beforeAll(async () => {
    scratch = await kind.scratch();
    db = await openDatabase({ url: scratch.url });
    opened(db);
  });
  afterAll(async () => {
    await db.close();
    await scratch.dispose();
  });
}
