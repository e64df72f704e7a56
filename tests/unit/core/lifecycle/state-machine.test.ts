import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../../server/core/errors.js';
import { AuditWriter } from '../../../../server/core/lifecycle/audit-writer.js';
import { StateMachine, type ModelStatus } from '../../../../server/core/lifecycle/state-machine.js';
import { MODEL_STATES, TRANSITION_REASONS, TRANSITIONS, type ModelState } from '../../../../server/core/lifecycle/transitions.js';
import type { TransitionRecord } from '../../../../server/core/ports.js';
import { MemoryAuditLog } from '../../../helpers/memory-audit-log.js';
import { CollectingLogger, FakeClock, settle } from '../../../helpers/scenario.js';

function machineIn(state: ModelState) {
  const audit = new MemoryAuditLog();
  const clock = new FakeClock();
  const logger = new CollectingLogger();
  const writer = new AuditWriter(audit, logger);
  const machine = new StateMachine('A', writer, clock, logger);
  const since = clock.now();
  if (state !== 'IDLE') machine.restore(recordTo(state, since));
  const seen: ModelStatus[] = [];
  machine.subscribe((status) => seen.push(status));
  return { machine, audit, writer, clock, logger, seen, since };
}

function recordTo(to: ModelState, at: Date): TransitionRecord {
  return { at, modelId: 'A', from: 'IDLE', to, reason: 'LOAD_REQUESTED', actor: 'ui', requestId: null, durationMs: null, error: null, details: null };
}

const LEGAL = MODEL_STATES.flatMap((from) =>
  TRANSITION_REASONS.flatMap((reason) => {
    const to = TRANSITIONS[from][reason];
    return to === undefined ? [] : [[from, reason, to] as const];
  }),
);
const ILLEGAL = MODEL_STATES.flatMap((from) =>
  TRANSITION_REASONS.filter((reason) => TRANSITIONS[from][reason] === undefined).map((reason) => [from, reason] as const),
);

describe('StateMachine', () => {
  it('starts IDLE for its model, since the clock’s time', () => {
    const { machine, clock } = machineIn('IDLE');
    expect(machine.snapshot()).toEqual({ state: 'IDLE', modelId: 'A', device: null, since: clock.now() });
  });

  it.each(LEGAL)('applies %s on %s: records it, then shows %s to subscribers', async (from, reason, to) => {
    const { machine, audit, clock, seen, since } = machineIn(from);
    clock.advance(1500);
    const record = await machine.apply(reason, { actor: 'script', requestId: 'r-1' });
    expect(record).toEqual({
      at: clock.now(),
      modelId: 'A',
      from,
      to,
      reason,
      actor: 'script',
      requestId: 'r-1',
      durationMs: clock.now().getTime() - since.getTime(),
      error: null,
      details: null,
    });
    expect(audit.records).toEqual([record]);
    expect(machine.state).toBe(to);
    expect(seen).toEqual([machine.snapshot()]);
    expect(machine.snapshot().since).toEqual(clock.now());
  });

  it.each(ILLEGAL)('refuses %s on %s with ILLEGAL_TRANSITION and changes nothing', async (from, reason) => {
    const { machine, audit, clock, seen } = machineIn(from);
    const before = machine.snapshot();
    clock.advance(10);
    const error = await machine.apply(reason, { actor: 'ui' }, { error: 'x' }).catch((e: unknown) => e);
    expect(isEaselError(error, 'ILLEGAL_TRANSITION')).toBe(true);
    expect(machine.snapshot()).toEqual(before);
    expect(audit.records).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('writes the audit record before the new state becomes visible', async () => {
    const { machine, audit, seen } = machineIn('IDLE');
    const release = audit.hold();
    const applied = machine.apply('LOAD_REQUESTED', { actor: 'ui' });
    await settle();
    expect(machine.state).toBe('IDLE');
    expect(seen).toEqual([]);
    release();
    await applied;
    expect(audit.records.map((r) => r.to)).toEqual(['LOADING']);
    expect(machine.state).toBe('LOADING');
    expect(seen.map((s) => s.state)).toEqual(['LOADING']);
  });

  it('still follows a fact when the audit log cannot be written, logs the gap as an error and writes the row later', async () => {
    const { machine, audit, writer, logger } = machineIn('LOADED');
    audit.failWith(new Error('disk full'));
    await machine.apply('RUNNER_CRASHED', { actor: 'system' }, { error: 'runner died' });
    expect(machine.state).toBe('ERROR');
    expect(logger.entries).toEqual([
      { level: 'error', message: 'audit log append failed; the row is kept and retried', fields: { reason: 'RUNNER_CRASHED', modelId: 'A', cause: 'Error: disk full' } },
    ]);
    expect(writer.health()).toEqual({ degraded: 'the audit log could not be written: Error: disk full', pending: 1 });
    audit.failWith(null);
    expect(await writer.drain(1_000)).toBe(true);
    expect(audit.records).toMatchObject([{ reason: 'RUNNER_CRASHED', from: 'LOADED', to: 'ERROR', error: 'runner died' }]);
    expect(writer.health()).toEqual({ degraded: null, pending: 0 });
  });

  it('refuses a requested transition whose row cannot be written with INTERNAL, changing nothing', async () => {
    const { machine, audit, seen } = machineIn('IDLE');
    audit.failWith(new Error('disk full'));
    const error = await machine.apply('LOAD_REQUESTED', { actor: 'ui' }).catch((e: unknown) => e);
    expect(isEaselError(error, 'INTERNAL')).toBe(true);
    expect((error as Error).message).toContain('LOAD_REQUESTED of "A" was refused');
    expect(machine.state).toBe('IDLE');
    expect(seen).toEqual([]);
    expect(audit.records).toEqual([]);
  });

  it('measures how long the state being left lasted with the injected clock', async () => {
    const { machine, clock } = machineIn('IDLE');
    clock.advance(250);
    expect((await machine.apply('LOAD_REQUESTED', { actor: 'ui' })).durationMs).toBe(250);
    clock.advance(4000);
    expect((await machine.apply('LOAD_COMPLETED', { actor: 'ui' }, { device: 'cpu' })).durationMs).toBe(4000);
  });

  it('keeps its model id in every state, the device only while LOADED, and the error on ERROR or a cancelled load', async () => {
    const { machine } = machineIn('IDLE');
    await machine.apply('LOAD_REQUESTED', { actor: 'ui' });
    expect(machine.snapshot()).toMatchObject({ state: 'LOADING', modelId: 'A', device: null });
    await machine.apply('LOAD_COMPLETED', { actor: 'ui' }, { device: 'webgpu' });
    expect(machine.snapshot()).toMatchObject({ state: 'LOADED', modelId: 'A', device: 'webgpu' });
    const crashed = await machine.apply('RUNNER_CRASHED', { actor: 'system' }, { error: 'exit code 9' });
    expect(crashed.modelId).toBe('A');
    expect(machine.snapshot()).toMatchObject({ state: 'ERROR', modelId: 'A', device: null, error: 'exit code 9' });
    await machine.apply('LOAD_REQUESTED', { actor: 'ui' });
    expect(machine.snapshot().error).toBeUndefined();
    const cancelled = await machine.apply('LOAD_CANCELLED', { actor: 'ui' }, { error: 'cancelled by the user' });
    expect(cancelled.modelId).toBe('A');
    expect(machine.snapshot()).toMatchObject({ state: 'IDLE', modelId: 'A', error: 'cancelled by the user' });
  });

  it('shows load progress while LOADING only, without recording it', async () => {
    const { machine, audit, seen } = machineIn('IDLE');
    const progress = { part: 'unet' as const, index: 1, count: 4, fraction: 0.5 };
    machine.setLoadProgress(progress);
    expect(seen).toEqual([]);
    await machine.apply('LOAD_REQUESTED', { actor: 'ui' });
    machine.setLoadProgress(progress);
    expect(seen.at(-1)).toMatchObject({ state: 'LOADING', loadProgress: progress });
    expect(audit.records).toHaveLength(1);
    await machine.apply('LOAD_COMPLETED', { actor: 'ui' });
    expect(machine.snapshot().loadProgress).toBeUndefined();
  });

  it('keeps telling the other subscribers when one throws, and logs a warning', async () => {
    const { machine, logger, seen } = machineIn('IDLE');
    machine.subscribe(() => {
      throw new Error('broken listener');
    });
    await machine.apply('LOAD_REQUESTED', { actor: 'ui' });
    expect(seen).toHaveLength(1);
    expect(logger.messages('warn')).toEqual(['status listener threw']);
  });

  it('stops telling a subscriber once it unsubscribes', async () => {
    const { machine } = machineIn('IDLE');
    const late: ModelStatus[] = [];
    const unsubscribe = machine.subscribe((status) => late.push(status));
    await machine.apply('LOAD_REQUESTED', { actor: 'ui' });
    unsubscribe();
    await machine.apply('LOAD_CANCELLED', { actor: 'ui' });
    expect(late.map((s) => s.state)).toEqual(['LOADING']);
  });

  it('hands out snapshots that callers cannot use to change its state', () => {
    const { machine } = machineIn('IDLE');
    const snapshot = machine.snapshot();
    snapshot.state = 'LOADED';
    expect(machine.state).toBe('IDLE');
  });
});
