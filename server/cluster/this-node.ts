// This server as a node: its name and URL (EASEL_NODE_NAME / EASEL_NODE_URL, else host:port), its presence in the
// Node table when the database is a shared PostgreSQL, and the node list (`nodes.list`). On SQLite, the default,
// the server is the only node and is listed from memory.
import { readFileSync } from 'node:fs';
import type { Logger } from '../core/ports.js';
import type { Database } from '../db/database.js';
import { createNodeRepository, type NodeState } from '../db/node-repository.js';
import { migrationsDirFor, readMigrationFiles } from '../db/migration-files.js';
import { NodePresence, type NodeIdentity, type NodeView } from './node-presence.js';

export interface Nodes {
  /** This node's name (for the audit log and the jobs it runs). */
  readonly name: string;
  list(): Promise<NodeView[]>;
  leave(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The newest migration this code knows for the database's provider. */
function schemaVersionOf(db: Database): string {
  return readMigrationFiles(migrationsDirFor(db.provider)).at(-1)?.name ?? 'none';
}

export async function joinCluster(options: {
  db: Database;
  name: string;
  url: string;
  device: string;
  heartbeatMs: number;
  state: () => NodeState;
  logger: Logger;
}): Promise<Nodes> {
  const { db, name, url, device, heartbeatMs, state, logger } = options;
  const identity: NodeIdentity = { name, url, device, version: VERSION, schemaVersion: schemaVersionOf(db) };
  if (db.provider !== 'postgresql') {
    const startedAt = new Date();
    return {
      name,
      list: async () => {
        const now = new Date();
        return [{ ...identity, ...state(), startedAt, heartbeatAt: now, stoppedAt: null, liveness: 'alive', alive: true }];
      },
      leave: async () => undefined,
    };
  }
  const presence = new NodePresence({ repository: createNodeRepository(db), identity, state, heartbeatMs, logger });
  await presence.join();
  logger.info('joined the cluster', { node: name, url });
  return { name, list: () => presence.list(), leave: () => presence.leave() };
}
