import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDER_LAYOUTS } from '../../../scripts/db-migrate.js';

// The SQLite and PostgreSQL schemas must declare the same models, fields and indexes: repositories use one client
// type for both. Only native-type attributes (@db.*) may differ.

interface SchemaShape {
  [model: string]: { fields: string[]; attributes: string[] };
}

function shapeOf(schema: string): SchemaShape {
  const shape: SchemaShape = {};
  for (const [, name, body] of schema.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const lines = body!
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, '').trim())
      .filter((line) => line !== '');
    shape[name!] = {
      fields: lines
        .filter((line) => !line.startsWith('@@'))
        .map((line) => line.replace(/@db\.\w+(\([^)]*\))?/g, '').replace(/\s+/g, ' ').trim()),
      attributes: lines.filter((line) => line.startsWith('@@')).map((line) => line.replace(/\s+/g, '')),
    };
  }
  return shape;
}

const [sqlite, postgres] = PROVIDER_LAYOUTS.map((layout) => shapeOf(readFileSync(layout.schemaPath, 'utf8')));

describe('the SQLite and PostgreSQL schemas', () => {
  it('declare the models Easel stores', () => {
    expect(Object.keys(sqlite!).sort()).toEqual(['Generation', 'Model', 'Node', 'StateTransition']);
  });

  it('declare the same models with the same fields, types, defaults and indexes', () => {
    expect(postgres).toEqual(sqlite);
  });

  it('are read field by field, so a difference in one field shows', () => {
    const drifted = shapeOf(readFileSync(PROVIDER_LAYOUTS[1]!.schemaPath, 'utf8').replace('steps          Int', 'steps          Float'));
    expect(drifted).not.toEqual(sqlite);
  });
});
