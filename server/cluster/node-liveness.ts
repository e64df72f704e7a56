// When a node counts as lost: it has missed 3 heartbeats without a graceful stop. Pure, for the list and the join check.
const MISSED_BEATS_FOR_LOST = 3;

export type Liveness = 'alive' | 'lost' | 'stopped';

export function livenessOf(node: { heartbeatAt: Date; stoppedAt: Date | null }, nowMs: number, heartbeatMs: number): Liveness {
  if (node.stoppedAt !== null) return 'stopped';
  return nowMs - node.heartbeatAt.getTime() > MISSED_BEATS_FOR_LOST * heartbeatMs ? 'lost' : 'alive';
}
