// The handle every repository takes: one Prisma client, whichever provider DATABASE_URL selected.
import type { PrismaClient } from './generated/sqlite/client.js';

export type DatabaseProvider = 'sqlite' | 'postgresql';

export interface Database {
  readonly provider: DatabaseProvider;
  /**
   * Typed as the SQLite client for both providers: the two generated clients have the same models and fields
   * (tests/unit/db/schemas-in-step.test.ts), and a union of the two would make every call uncallable.
   */
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}
