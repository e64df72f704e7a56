import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../../server/core/errors.js';
import {
  MODEL_STATES,
  TRANSITION_REASONS,
  TRANSITIONS,
  canTransition,
  transition,
  type ModelState,
  type TransitionReason,
} from '../../../../server/core/lifecycle/transitions.js';

// Written out from DESIGN.md §3 (seed table) plus RUNNER_CRASHED and the model cache's own unloads (EVICTED,
// KEEP_ALIVE_EXPIRED; issue 10), independently of the table under test.
const EXPECTED_ROWS: Array<[ModelState, TransitionReason, ModelState]> = [
  ['IDLE', 'LOAD_REQUESTED', 'LOADING'],
  ['LOADING', 'LOAD_COMPLETED', 'LOADED'],
  ['LOADING', 'LOAD_CANCELLED', 'IDLE'],
  ['LOADING', 'LOAD_FAILED', 'ERROR'],
  ['LOADED', 'UNLOAD_REQUESTED', 'UNLOADING'],
  ['LOADED', 'EVICTED', 'UNLOADING'],
  ['LOADED', 'KEEP_ALIVE_EXPIRED', 'UNLOADING'],
  ['LOADED', 'RUNNER_CRASHED', 'ERROR'],
  ['UNLOADING', 'UNLOAD_COMPLETED', 'IDLE'],
  ['UNLOADING', 'UNLOAD_FAILED', 'ERROR'],
  ['ERROR', 'RESET_FROM_ERROR', 'IDLE'],
  ['ERROR', 'LOAD_REQUESTED', 'LOADING'],
  ['LOADING', 'RECOVERED_AFTER_RESTART', 'IDLE'],
  ['LOADED', 'RECOVERED_AFTER_RESTART', 'IDLE'],
  ['UNLOADING', 'RECOVERED_AFTER_RESTART', 'IDLE'],
  ['ERROR', 'RECOVERED_AFTER_RESTART', 'IDLE'],
];

const isExpected = (from: ModelState, reason: TransitionReason) => EXPECTED_ROWS.some(([f, r]) => f === from && r === reason);

const ILLEGAL_PAIRS = MODEL_STATES.flatMap((from) =>
  TRANSITION_REASONS.filter((reason) => !isExpected(from, reason)).map((reason) => [from, reason] as const),
);

describe('the transition table', () => {
  it.each(EXPECTED_ROWS)('moves %s on %s to %s', (from, reason, to) => {
    expect(transition(from, reason)).toBe(to);
    expect(canTransition(from, reason)).toBe(true);
  });

  it('holds exactly the expected rows and nothing more', () => {
    const rows = MODEL_STATES.flatMap((from) =>
      Object.entries(TRANSITIONS[from]).map(([reason, to]) => [from, reason, to]),
    );
    expect(rows).toHaveLength(EXPECTED_ROWS.length);
    expect(new Set(rows.map((row) => row.join(' ')))).toEqual(new Set(EXPECTED_ROWS.map((row) => row.join(' '))));
  });

  it('never leaves IDLE except by a load request, so there is nothing to recover from IDLE', () => {
    expect(Object.keys(TRANSITIONS.IDLE)).toEqual(['LOAD_REQUESTED']);
  });

  it('leaves every state but IDLE to IDLE when recovering after a restart', () => {
    for (const state of MODEL_STATES.filter((s) => s !== 'IDLE')) expect(transition(state, 'RECOVERED_AFTER_RESTART')).toBe('IDLE');
  });

  it('has illegal pairs for every reason, covering the whole state × reason grid with the legal rows', () => {
    expect(ILLEGAL_PAIRS.length + EXPECTED_ROWS.length).toBe(MODEL_STATES.length * TRANSITION_REASONS.length);
  });

  it.each(ILLEGAL_PAIRS)('refuses %s on %s with ILLEGAL_TRANSITION naming both and the allowed reasons', (from, reason) => {
    expect(canTransition(from, reason)).toBe(false);
    let thrown: unknown;
    try {
      transition(from, reason);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EaselError);
    const error = thrown as EaselError;
    expect(error.code).toBe('ILLEGAL_TRANSITION');
    expect(error.details).toEqual({ from, reason });
    expect(error.message).toContain(reason);
    expect(error.message).toContain(from);
    for (const allowed of Object.keys(TRANSITIONS[from])) expect(error.message).toContain(allowed);
  });

  it('is pure: the table is unchanged after every pair has been tried', () => {
    const before = JSON.stringify(TRANSITIONS);
    for (const from of MODEL_STATES) {
      for (const reason of TRANSITION_REASONS) {
        try {
          transition(from, reason);
        } catch {
          // illegal pairs are expected to throw here
        }
      }
    }
    expect(JSON.stringify(TRANSITIONS)).toBe(before);
  });
});
