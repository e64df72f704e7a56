// Prisma CLI configuration: DATABASE_URL picks the provider, so `prisma migrate deploy` finds the matching schema
// and migrations (Easel itself applies them at start-up; see server/db/apply-migrations.ts).
import { defineConfig } from 'prisma/config';

// env('DATABASE_URL') would throw when unset; the embedded SQLite file is the default, as in server/config.ts.
const url = process.env.DATABASE_URL ?? 'file:./data/easel.db';
const postgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  schema: postgres ? 'prisma/postgres/schema.prisma' : 'prisma/schema.prisma',
  migrations: { path: postgres ? 'prisma/postgres/migrations' : 'prisma/migrations' },
  datasource: { url },
});
