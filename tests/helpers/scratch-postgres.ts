// A fresh, empty PostgreSQL database on a test server (EASEL_TEST_POSTGRES_URL names one as admin), for tests
// under vitest and Playwright alike: created under a unique name, dropped with its connections afterwards.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  /** Deletes the file or drops the database; call after every connection is closed. */
  dispose(): Promise<void>;
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createScratchPostgres(adminUrl: string): Promise<ScratchDatabase> {
  const name = `easel_test_${randomUUID().replace(/-/g, '')}`;
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dispose: async () => {
      await asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
