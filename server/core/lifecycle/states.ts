// The lifecycle's states and the reasons that move between them, as plain lists. This file imports nothing, so
// the web UI's bundle can import it as it is.
export const MODEL_STATES = ['IDLE', 'LOADING', 'LOADED', 'UNLOADING', 'ERROR'] as const;
export type ModelState = (typeof MODEL_STATES)[number];

export const TRANSITION_REASONS = [
  'LOAD_REQUESTED',
  'LOAD_COMPLETED',
  'LOAD_CANCELLED',
  'LOAD_FAILED',
  'UNLOAD_REQUESTED',
  'EVICTED',
  'KEEP_ALIVE_EXPIRED',
  'UNLOAD_COMPLETED',
  'UNLOAD_FAILED',
  'RUNNER_CRASHED',
  'RESET_FROM_ERROR',
  'RECOVERED_AFTER_RESTART',
] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];
