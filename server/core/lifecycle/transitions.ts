// The model lifecycle as data: states, the reasons that move between them, and the pure step function.
import { EaselError } from '../errors.js';
import type { ModelState, TransitionReason } from './states.js';

export { MODEL_STATES, TRANSITION_REASONS, type ModelState, type TransitionReason } from './states.js';

/**
 * TRANSITIONS[from][reason] = to. Anything not listed is illegal.
 * RUNNER_CRASHED (LOADED → ERROR) extends the seed table: a runner that dies while
 * holding a model must leave a trace and a state that admits a new load. EVICTED (room was needed for another
 * model) and KEEP_ALIVE_EXPIRED are unloads the model cache starts on its own.
 */
export const TRANSITIONS: Readonly<Record<ModelState, Readonly<Partial<Record<TransitionReason, ModelState>>>>> = {
  IDLE: { LOAD_REQUESTED: 'LOADING' },
  LOADING: { LOAD_COMPLETED: 'LOADED', LOAD_CANCELLED: 'IDLE', LOAD_FAILED: 'ERROR', RECOVERED_AFTER_RESTART: 'IDLE' },
  LOADED: { UNLOAD_REQUESTED: 'UNLOADING', EVICTED: 'UNLOADING', KEEP_ALIVE_EXPIRED: 'UNLOADING', RUNNER_CRASHED: 'ERROR', RECOVERED_AFTER_RESTART: 'IDLE' },
  UNLOADING: { UNLOAD_COMPLETED: 'IDLE', UNLOAD_FAILED: 'ERROR', RECOVERED_AFTER_RESTART: 'IDLE' },
  ERROR: { RESET_FROM_ERROR: 'IDLE', LOAD_REQUESTED: 'LOADING', RECOVERED_AFTER_RESTART: 'IDLE' },
};

export function canTransition(from: ModelState, reason: TransitionReason): boolean {
  return TRANSITIONS[from][reason] !== undefined;
}

/** Pure: the state that `reason` leads to from `from`, or an ILLEGAL_TRANSITION error. */
export function transition(from: ModelState, reason: TransitionReason): ModelState {
  const to = TRANSITIONS[from][reason];
  if (to === undefined) {
    const legal = Object.keys(TRANSITIONS[from]).join(', ');
    throw new EaselError('ILLEGAL_TRANSITION', `${reason} is not allowed while the model is ${from} (allowed: ${legal})`, {
      details: { from, reason },
    });
  }
  return to;
}
