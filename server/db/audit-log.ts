// The core's AuditLog on the StateTransition table: append-only; each model's newest row found by id.
import type { AuditLog, TransitionRecord } from '../core/ports.js';
import type { Database } from './database.js';
import { toTransitionRow } from './transition-row.js';

/** `nodeName`: the GPU server that records the rows (several may share one database). */
export function createAuditLog(db: Database, nodeName: () => string | null = () => null): AuditLog {
  return {
    async append(record: TransitionRecord): Promise<void> {
      await db.prisma.stateTransition.create({
        data: {
          at: record.at,
          modelId: record.modelId,
          from: record.from,
          to: record.to,
          reason: record.reason,
          actor: record.actor,
          requestId: record.requestId,
          // Durations measured with performance.now() carry fractions; the column holds whole milliseconds.
          durationMs: record.durationMs === null ? null : BigInt(Math.round(record.durationMs)),
          error: record.error,
          details: record.details === null ? null : JSON.stringify(record.details),
          node: nodeName(),
        },
      });
    },

    async lastPerModel(): Promise<TransitionRecord[]> {
      const newest = await db.prisma.stateTransition.groupBy({ by: ['modelId'], _max: { id: true } });
      const ids = newest.map((group) => group._max.id).filter((id): id is number => id !== null);
      const rows = await db.prisma.stateTransition.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
      return rows.map((row) => {
        const { id: _id, node: _node, ...record } = toTransitionRow(row);
        return record;
      });
    },
  };
}
