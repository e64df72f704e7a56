// The lifecycle states and transition reasons, for the history filters. The browser bundle cannot import the
// server's module (its imports carry .js suffixes the bundler does not map), so the lists are repeated here and
// the type check fails if one misses a value the server knows.
import type { ModelState, TransitionReason } from '../../server/core/lifecycle/transitions';

/** Accepts a list only if it names every member of T. */
function every<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

export const MODEL_STATES = every<ModelState>()(['IDLE', 'LOADING', 'LOADED', 'UNLOADING', 'ERROR']);

export const TRANSITION_REASONS = every<TransitionReason>()([
  'LOAD_REQUESTED',
  'LOAD_COMPLETED',
  'LOAD_CANCELLED',
  'LOAD_FAILED',
  'UNLOAD_REQUESTED',
  'UNLOAD_COMPLETED',
  'UNLOAD_FAILED',
  'RUNNER_CRASHED',
  'RESET_FROM_ERROR',
  'RECOVERED_AFTER_RESTART',
]);

export type { ModelState, TransitionReason };
