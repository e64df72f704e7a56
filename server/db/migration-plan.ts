// Decides which migrations still need applying from the _prisma_migrations rows, the way `prisma migrate deploy` does.
import { EaselError } from '../core/errors.js';
import { sha256, type MigrationFile } from './migration-files.js';

/** The columns of a _prisma_migrations row that the plan reads. */
export interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

const isSet = (value: unknown): boolean => value !== null && value !== undefined;

/** A checkout with CRLF line endings must not count as an edit (Prisma accepts both too). */
function sameScript(file: MigrationFile, checksum: string): boolean {
  return file.checksum === checksum || sha256(file.sql.replace(/\r\n/g, '\n')) === checksum;
}

export function pendingMigrations(files: readonly MigrationFile[], rows: readonly MigrationRow[]): MigrationFile[] {
  const failed = rows.find((row) => !isSet(row.finished_at) && !isSet(row.rolled_back_at));
  if (failed !== undefined) {
    throw new EaselError(
      'INTERNAL',
      `Migration ${failed.migration_name} failed in an earlier run and left the database half-migrated; repair it, then run ` +
        `\`npx prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied) and start again`,
    );
  }
  const applied = new Map(
    rows.filter((row) => isSet(row.finished_at) && !isSet(row.rolled_back_at)).map((row) => [row.migration_name, row.checksum]),
  );
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const checksum = applied.get(file.name);
    if (checksum === undefined) pending.push(file);
    else if (!sameScript(file, checksum)) {
      throw new EaselError(
        'INTERNAL',
        `${file.path} was changed after it was applied to this database; restore it from git and add a new migration instead`,
      );
    }
  }
  return pending;
}
