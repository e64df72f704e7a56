import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSchemaEngine, PROVIDER_LAYOUTS } from '../../../scripts/db-migrate.js';
import { parseDatabaseUrl } from '../../../server/db/database-url.js';
import { migrationsDirFor, readMigrationFiles } from '../../../server/db/migration-files.js';
import { openDatabase } from '../../../server/db/open-database.js';
import { TEST_DATABASES, type ScratchDatabase, type TestDatabaseKind } from './test-databases.js';

// Prisma's own schema engine (the one `prisma migrate deploy` runs) judges the databases Easel migrated.

const NO_FILTER = { externalTables: [], externalEnums: [] };

function migrationList(kind: TestDatabaseKind): MigrationList {
  const baseDir = migrationsDirFor(kind.name);
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: readFileSync(join(baseDir, 'migration_lock.toml'), 'utf8') },
    shadowDbInitScript: '',
    migrationDirectories: readMigrationFiles(baseDir).map((file) => ({
      path: file.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: file.sql } },
    })),
  };
}

/** Runs `use` with the engine connected to `url`, then closes every connection it opened. */
async function withEngine(url: string, use: (engine: SchemaEngine) => Promise<void>): Promise<void> {
  const location = parseDatabaseUrl(url);
  const factory: SqlMigrationAwareDriverAdapterFactory =
    location.provider === 'sqlite' ? new PrismaBetterSqlite3({ url: location.file }) : new PrismaPg({ connectionString: location.url });
  // free() leaves the engine's connections open, still holding Prisma's migration lock; the test closes them itself.
  const opened: SqlDriverAdapter[] = [];
  const engine = await loadSchemaEngine({
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  });
  try {
    await use(engine);
  } finally {
    engine.free();
    for (const adapter of opened) await adapter.dispose();
  }
}

describe.each(TEST_DATABASES)("Prisma's schema engine on a $name database", (kind) => {
  let scratch: ScratchDatabase | undefined;

  afterEach(async () => {
    await scratch?.dispose();
  });

  it('finds the history Easel wrote complete, unedited and with nothing left to apply', async () => {
    scratch = await kind.scratch();
    await (await openDatabase({ url: scratch.url })).close();
    await withEngine(scratch.url, async (engine) => {
      const diagnosis = await engine.diagnoseMigrationHistory({
        migrationsList: migrationList(kind),
        optInToShadowDatabase: false,
        filters: NO_FILTER,
      });
      expect(diagnosis).toMatchObject({ hasMigrationsTable: true, history: null, editedMigrationNames: [], failedMigrationNames: [] });
      expect(await engine.applyMigrations({ migrationsList: migrationList(kind), filters: NO_FILTER })).toEqual({
        appliedMigrationNames: [],
      });
    });
  });

  it('leaves Easel nothing to apply after it migrated the database itself', async () => {
    scratch = await kind.scratch();
    if (kind.name === 'sqlite') mkdirSync(dirname(scratch.url.slice('file:'.length)), { recursive: true });
    await withEngine(scratch.url, async (engine) => {
      await engine.applyMigrations({ migrationsList: migrationList(kind), filters: NO_FILTER });
    });
    const db = await openDatabase({ url: scratch.url });
    try {
      const rows = await db.prisma.$queryRawUnsafe<unknown[]>('SELECT id FROM _prisma_migrations');
      expect(rows).toHaveLength(readMigrationFiles(migrationsDirFor(kind.name)).length);
    } finally {
      await db.close();
    }
  });
});

// The wasm engine cannot introspect PostgreSQL through the pg adapter ("Column type 'char' could not be deserialized").
describe("Prisma's schema engine introspecting a SQLite database Easel migrated", () => {
  it('sees exactly the Prisma schema', async () => {
    const kind = TEST_DATABASES[0]!;
    const scratch = await kind.scratch();
    await (await openDatabase({ url: scratch.url })).close();
    const layout = PROVIDER_LAYOUTS.find((candidate) => candidate.provider === kind.name)!;
    const schema = { path: layout.schemaPath, content: readFileSync(layout.schemaPath, 'utf8') };
    await withEngine(scratch.url, async (engine) => {
      const result = await engine.diff({
        from: { tag: 'schemaDatasource', files: [schema], configDir: dirname(layout.schemaPath) },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: true,
        filters: NO_FILTER,
      });
      expect(result).toEqual({ exitCode: 0, stdout: '-- This is an empty migration.\n' });
    }).finally(() => scratch.dispose());
  });
});
