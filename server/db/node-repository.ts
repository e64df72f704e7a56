// The Node table: the GPU servers sharing one database, their heartbeats and what each last reported.
import type { Database } from './database.js';
import { parseJsonText } from './json-text.js';

export interface NodeState {
  models: Array<{ modelId: string; state: string; memoryBytes: number }>;
  memoryBudgetBytes: number;
  memoryUsedBytes: number;
  maxLoaded: number;
  /** Jobs running or waiting on the node. */
  queueDepth: number;
}

export interface NodeRecord {
  name: string;
  url: string;
  device: string;
  version: string;
  schemaVersion: string;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  state: NodeState;
}

export interface NodeRepository {
  find(name: string): Promise<NodeRecord | null>;
  list(): Promise<NodeRecord[]>;
  /** Creates or takes over the row of `node.name` (a node restarting after a crash keeps its name). */
  join(node: Omit<NodeRecord, 'stoppedAt'>): Promise<void>;
  beat(name: string, at: Date, state: NodeState): Promise<void>;
  stop(name: string, at: Date): Promise<void>;
  /** Migrations the database has applied, by name. */
  appliedMigrations(): Promise<string[]>;
}

export function createNodeRepository(db: Database): NodeRepository {
  const nodes = db.prisma.node;
  const toRecord = (row: Awaited<ReturnType<typeof nodes.findUniqueOrThrow>>): NodeRecord => ({
    ...row,
    state: parseJsonText<NodeState>(row.state, `Node "${row.name}" state`),
  });
  return {
    async find(name) {
      const row = await nodes.findUnique({ where: { name } });
      return row === null ? null : toRecord(row);
    },
    async list() {
      return (await nodes.findMany({ orderBy: { name: 'asc' } })).map(toRecord);
    },
    async join(node) {
      const data = { ...node, state: JSON.stringify(node.state), stoppedAt: null };
      await nodes.upsert({ where: { name: node.name }, create: data, update: data });
    },
    async beat(name, at, state) {
      await nodes.update({ where: { name }, data: { heartbeatAt: at, state: JSON.stringify(state) } });
    },
    async stop(name, at) {
      await nodes.updateMany({ where: { name }, data: { stoppedAt: at, heartbeatAt: at } });
    },
    async appliedMigrations() {
      const rows = await db.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      return rows.map((row) => row.migration_name);
    },
  };
}
