import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas, latestSnapshot, loadSchemaEngine, PROVIDER_LAYOUTS } from '../../../scripts/db-migrate.js';

// Fails when a schema was changed without `npm run db:migrate -- --name <name>`. That the migration scripts really
// build the schema is checked against live databases in tests/integration/db/prisma-migrate-agreement.test.ts.

let engine: SchemaEngine;

beforeAll(async () => {
  engine = await loadSchemaEngine();
});
afterAll(() => engine.free());

describe.each(PROVIDER_LAYOUTS)('the $provider migrations', (layout) => {
  it('lead to the schema as it stands', async () => {
    const schema = readFileSync(layout.schemaPath, 'utf8');
    expect(await diffSchemas(engine, latestSnapshot(layout.migrationsDir), schema, layout.schemaPath)).toBeNull();
  });

  it('all start from a lock file naming their provider', () => {
    expect(readFileSync(join(layout.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(`provider = "${layout.provider}"`);
  });
});
