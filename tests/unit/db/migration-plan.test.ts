import { describe, expect, it } from 'vitest';
import { sha256, type MigrationFile } from '../../../server/db/migration-files.js';
import { pendingMigrations, type MigrationRow } from '../../../server/db/migration-plan.js';

function file(name: string, sql = `-- ${name}\n`): MigrationFile {
  return { name, path: `/m/${name}/migration.sql`, sql, checksum: sha256(sql) };
}

function applied(migration: MigrationFile, overrides: Partial<MigrationRow> = {}): MigrationRow {
  return { migration_name: migration.name, checksum: migration.checksum, finished_at: '2026-01-01', rolled_back_at: null, ...overrides };
}

const first = file('20260101000000_init');
const second = file('20260201000000_more');

describe('pendingMigrations', () => {
  it('applies every migration to a database without history', () => {
    expect(pendingMigrations([first, second], [])).toEqual([first, second]);
  });

  it('skips migrations already applied', () => {
    expect(pendingMigrations([first, second], [applied(first)])).toEqual([second]);
  });

  it('applies again a migration whose earlier attempt was marked rolled back', () => {
    expect(pendingMigrations([first], [applied(first, { finished_at: null, rolled_back_at: '2026-01-02' })])).toEqual([first]);
  });

  it('ignores applied migrations that this checkout does not have', () => {
    expect(pendingMigrations([first], [applied(first), applied(second)])).toEqual([]);
  });

  it('stops at a migration that failed earlier and says how to resolve it', () => {
    expect(() => pendingMigrations([first, second], [applied(first, { finished_at: null })])).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('prisma migrate resolve --rolled-back 20260101000000_init') }),
    );
  });

  it('stops at an applied migration whose file was edited, naming the file', () => {
    expect(() => pendingMigrations([file(first.name, 'DROP TABLE "Model";\n')], [applied(first)])).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('/m/20260101000000_init/migration.sql') }),
    );
  });

  it('takes a checkout with CRLF line endings for the same file', () => {
    const crlf = file(first.name, '-- 20260101000000_init\r\n');
    expect(pendingMigrations([crlf], [applied(first)])).toEqual([]);
  });
});
