// Turns a StateTransition row back into the core's TransitionRecord, checking its strings against the core's unions.
import { EaselError } from '../core/errors.js';
import { MODEL_STATES, TRANSITION_REASONS, type ModelState, type TransitionReason } from '../core/lifecycle/transitions.js';
import { ACTORS, type Actor, type TransitionRecord } from '../core/ports.js';
import type { StateTransition } from './generated/sqlite/client.js';
import { parseJsonText } from './json-text.js';

/** A stored transition: the record, its row id, and the node that recorded it (null on a single node). */
export type TransitionRow = TransitionRecord & { id: number; node: string | null };

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string, id: number): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new EaselError('INTERNAL', `StateTransition ${id} has ${column} "${value}", which this Easel does not know (${allowed.join(', ')})`);
}

export function toTransitionRow(row: StateTransition): TransitionRow {
  return {
    id: row.id,
    at: row.at,
    modelId: row.modelId,
    from: oneOf<ModelState>(MODEL_STATES, row.from, 'from', row.id),
    to: oneOf<ModelState>(MODEL_STATES, row.to, 'to', row.id),
    reason: oneOf<TransitionReason>(TRANSITION_REASONS, row.reason, 'reason', row.id),
    actor: oneOf<Actor>(ACTORS, row.actor, 'actor', row.id),
    requestId: row.requestId,
    durationMs: row.durationMs === null ? null : Number(row.durationMs),
    error: row.error,
    details: row.details === null ? null : parseJsonText<Record<string, unknown>>(row.details, `StateTransition ${row.id} details`),
    node: row.node,
  };
}
