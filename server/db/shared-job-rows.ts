// The Generation-row changes that decide who owns a job when several nodes share it. Each is one conditional
// UPDATE, so two nodes racing (a claim and a cancel, two rescuers of a lost node's job) can't both win.
import type { Database } from './database.js';

export interface SharedJobRows {
  /** queued → loading on `node`; false when the job was cancelled (or taken) first. */
  claim(id: string, node: string): Promise<boolean>;
  /** queued → cancelled; false when a node had already claimed it or it had ended. */
  cancelQueued(id: string, reason: string, at: Date): Promise<boolean>;
  /** loading/running on `node` → queued again (its node was lost); false when another node did it first. */
  requeueFrom(id: string, node: string): Promise<boolean>;
  /** queued → running on `node` again: a rescue that could not give the job back to pg-boss is undone. */
  restoreStarted(id: string, node: string): Promise<boolean>;
  /** queued → failed with `reason` (a rescued job whose attempts are spent). */
  failQueued(id: string, reason: string, at: Date): Promise<boolean>;
  /** Jobs started (loading or running) on one of `nodes`. */
  startedOn(nodes: readonly string[]): Promise<Array<{ id: string; modelId: string; node: string }>>;
  /** Jobs queued and not yet claimed by a node, over the whole cluster. */
  queuedCount(): Promise<number>;
  /** When the oldest job still queued for a model was created, or null. */
  oldestQueued(modelId: string): Promise<Date | null>;
}

const STARTED = ['loading', 'running'];

export function createSharedJobRows(db: Database): SharedJobRows {
  const generations = db.prisma.generation;
  const changed = async (where: Parameters<typeof generations.updateMany>[0]['where'], data: Parameters<typeof generations.updateMany>[0]['data']) =>
    (await generations.updateMany({ where, data })).count === 1;
  return {
    claim: (id, node) => changed({ id, status: 'queued' }, { status: 'loading', node }),
    cancelQueued: (id, reason, at) => changed({ id, status: 'queued' }, { status: 'cancelled', error: reason, errorCode: 'CANCELLED', finishedAt: at }),
    requeueFrom: (id, node) => changed({ id, node, status: { in: STARTED } }, { status: 'queued' }),
    restoreStarted: (id, node) => changed({ id, status: 'queued' }, { status: 'running', node }),
    failQueued: (id, reason, at) => changed({ id, status: 'queued' }, { status: 'failed', error: reason, errorCode: 'INTERRUPTED', finishedAt: at }),
    async startedOn(nodes) {
      if (nodes.length === 0) return [];
      const rows = await generations.findMany({ where: { status: { in: STARTED }, node: { in: [...nodes] } }, select: { id: true, modelId: true, node: true } });
      return rows.map((row) => ({ id: row.id, modelId: row.modelId, node: row.node! }));
    },
    queuedCount: () => generations.count({ where: { status: 'queued' } }),
    async oldestQueued(modelId) {
      const row = await generations.findFirst({ where: { modelId, status: 'queued' }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
      return row?.createdAt ?? null;
    },
  };
}
