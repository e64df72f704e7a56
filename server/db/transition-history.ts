// The admin history query over the audit log: filters, newest first, paged by id so that rows appended while
// someone pages never cause duplicates or gaps.
import type { ModelState, TransitionReason } from '../core/lifecycle/transitions.js';
import type { Database } from './database.js';
import type { Prisma } from './generated/sqlite/client.js';
import { pageLimit, toPage, type Page } from './page.js';
import { toTransitionRow, type TransitionRow } from './transition-row.js';

export interface TransitionQuery {
  modelId?: string;
  /** Only the transitions this node made. */
  node?: string;
  reason?: TransitionReason;
  from?: ModelState;
  to?: ModelState;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** 1..500, default 50. */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: number;
}

export async function listTransitions(db: Database, query: TransitionQuery): Promise<Page<TransitionRow, number>> {
  const limit = pageLimit(query.limit);
  const where: Prisma.StateTransitionWhereInput = {
    modelId: query.modelId,
    node: query.node,
    reason: query.reason,
    from: query.from,
    to: query.to,
    at: query.since === undefined && query.until === undefined ? undefined : { gte: query.since, lt: query.until },
    id: query.cursor === undefined ? undefined : { lt: query.cursor },
  };
  const rows = await db.prisma.stateTransition.findMany({ where, orderBy: { id: 'desc' }, take: limit + 1 });
  return toPage(rows, limit, toTransitionRow, (row) => row.id);
}
