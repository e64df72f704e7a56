import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { migrationsDirFor, readMigrationFiles, sha256 } from '../../../server/db/migration-files.js';
import { openDatabase } from '../../../server/db/open-database.js';
import { TEST_DATABASES, type ScratchDatabase } from './test-databases.js';

interface MigrationsTableRow {
  id: string;
  checksum: string;
  finished_at: unknown;
  migration_name: string;
  logs: string | null;
  rolled_back_at: unknown;
  started_at: unknown;
  applied_steps_count: unknown;
}

const migrationRows = (db: Database): Promise<MigrationsTableRow[]> =>
  db.prisma.$queryRawUnsafe('SELECT * FROM _prisma_migrations ORDER BY migration_name');

describe.each(TEST_DATABASES)('openDatabase on $name', (kind) => {
  let scratch: ScratchDatabase | undefined;
  const open: Database[] = [];

  async function openFresh(): Promise<Database> {
    scratch ??= await kind.scratch();
    const db = await openDatabase({ url: scratch.url });
    open.push(db);
    return db;
  }

  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    await scratch?.dispose();
    scratch = undefined;
  });

  it('applies every migration to an empty database and records each the way Prisma does', async () => {
    const db = await openFresh();
    const files = readMigrationFiles(migrationsDirFor(kind.name));
    const rows = await migrationRows(db);
    expect(rows.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
    for (const [index, row] of rows.entries()) {
      const file = files[index]!;
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(sha256(readFileSync(file.path, 'utf8')));
      expect(row.finished_at).not.toBeNull();
      expect(row.started_at).not.toBeNull();
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
    }
    expect(await db.prisma.model.count()).toBe(0);
  });

  it('applies nothing again when the same database is opened a second time', async () => {
    const first = await openFresh();
    const before = await migrationRows(first);
    await first.close();
    open.splice(0);
    const second = await openFresh();
    expect(await migrationRows(second)).toEqual(before);
  });
});

describe('openDatabase on a SQLite file', () => {
  const [sqlite] = TEST_DATABASES;
  let scratch: ScratchDatabase | undefined;
  let db: Database | undefined;

  afterEach(async () => {
    await db?.close();
    await scratch?.dispose();
  });

  it('creates the missing parent folder and uses WAL with synchronous=FULL', async () => {
    scratch = await sqlite!.scratch();
    const file = scratch.url.slice('file:'.length);
    expect(existsSync(dirname(file))).toBe(false);
    db = await openDatabase({ url: scratch.url });
    expect(existsSync(file)).toBe(true);
    const [journal] = await db.prisma.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode');
    const [sync] = await db.prisma.$queryRawUnsafe<Array<{ synchronous: bigint }>>('PRAGMA synchronous');
    expect(journal?.journal_mode).toBe('wal');
    expect(Number(sync?.synchronous)).toBe(2);
  });

  it('rejects a URL that is neither a SQLite file nor PostgreSQL, naming it', async () => {
    await expect(openDatabase({ url: 'mysql://localhost/easel' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('mysql://localhost/easel'),
    });
  });
});
