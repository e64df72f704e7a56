// Generates the SQLite and PostgreSQL Prisma clients into server/db/generated (run on install and by db:generate).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCHEMAS = ['prisma/schema.prisma', 'prisma/postgres/schema.prisma'];

for (const schema of SCHEMAS) {
  const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--schema', schema], {
    cwd: root,
    // generate never uses the schema engine; pointing at /bin/false stops the CLI from trying to download it.
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error(`db-generate: prisma generate --schema ${schema} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
console.log(`db-generate: Prisma clients generated for ${SCHEMAS.join(' and ')}`);
