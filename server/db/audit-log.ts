// The core's AuditLog on the StateTransition table: append-only, newest row found by id.
import type { AuditLog, TransitionRecord } from '../core/ports.js';
import type { Database } from './database.js';
import { toTransitionRow } from './transition-row.js';

export function createAuditLog(db: Database): AuditLog {
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
        },
      });
    },

    async last(): Promise<TransitionRecord | null> {
      const row = await db.prisma.stateTransition.findFirst({ orderBy: { id: 'desc' } });
      if (row === null) return null;
      const { id: _id, ...record } = toTransitionRow(row);
      return record;
    },
  };
}
