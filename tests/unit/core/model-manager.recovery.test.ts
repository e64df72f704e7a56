import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import type { ModelState } from '../../../server/core/lifecycle/transitions.js';
import type { TransitionRecord } from '../../../server/core/ports.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { createLoadedScenario, createScenario, outcomeOf, settle, stateOf } from '../../helpers/scenario.js';

const ui = { actor: 'ui' } as const;

function leftBehind(to: ModelState, at: Date): TransitionRecord {
  return { at, modelId: 'B', from: 'IDLE', to, reason: 'LOAD_REQUESTED', actor: 'ui', requestId: null, durationMs: 0, error: null, details: null };
}

describe('ModelManager across runner crashes, server restarts and shutdown', () => {
  it('records RUNNER_CRASHED when the loaded runner exits unexpectedly, then loads again', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A');
    runners.latest().crash({ code: null, signal: 'SIGKILL' });
    await settle();
    expect(manager.status().models).toMatchObject([{ state: 'ERROR', modelId: 'A', error: 'The runner of "A" stopped unexpectedly (signal SIGKILL)' }]);
    expect(manager.describe('A')).toBeNull();
    expect(audit.records.at(-1)).toMatchObject({ reason: 'RUNNER_CRASHED', actor: 'system', details: { exit: { code: null, signal: 'SIGKILL' } } });
    const load = manager.load('B', ui);
    await settle();
    runners.latest().complete();
    expect(stateOf(await load, 'B')).toBe('LOADED');
    expect(chainProblems(audit.records)).toEqual([]);
  });

  it('ignores the exit of a runner that a command already queued is evicting', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A', { budget: { maxLoaded: 1 } });
    const first = runners.latest();
    const load = manager.load('B', ui);
    first.crash({ code: 1, signal: null });
    await settle();
    runners.latest().complete();
    expect((await load).models).toMatchObject([{ state: 'LOADED', modelId: 'B' }]);
    await settle();
    expect(manager.status().models).toMatchObject([{ state: 'LOADED', modelId: 'B' }]);
    expect(audit.records.map((r) => r.reason)).not.toContain('RUNNER_CRASHED');
    expect(audit.records.map((r) => r.reason)).toContain('EVICTED');
    expect(audit.records.find((r) => r.reason === 'UNLOAD_COMPLETED')?.details).toMatchObject({ exit: { code: 1 }, processGone: true });
  });

  it('unloads the model on shutdown, as the system', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A');
    await manager.shutdown();
    expect(manager.status().models).toEqual([]);
    expect(runners.latest().ended).toBe('stop');
    expect(audit.records.slice(-2).map((r) => [r.reason, r.actor])).toEqual([
      ['UNLOAD_REQUESTED', 'system'],
      ['UNLOAD_COMPLETED', 'system'],
    ]);
  });

  it('cancels a load in flight on shutdown, saying why', async () => {
    const { manager, runners, audit } = createScenario();
    const load = outcomeOf(manager.load('A', ui));
    await settle();
    await manager.shutdown();
    expect(isEaselError(await load, 'CANCELLED')).toBe(true);
    expect(runners.alive()).toEqual([]);
    expect(audit.records.at(-1)).toMatchObject({ reason: 'LOAD_CANCELLED', actor: 'system', error: 'The server is shutting down' });
  });

  it('waits on shutdown for an unload already under way', async () => {
    const { manager, runners } = await createLoadedScenario('A', { runner: { stop: 'hold' } });
    const unload = manager.unload(ui, 'A');
    await settle();
    let finished = false;
    const shutdown = manager.shutdown().then(() => {
      finished = true;
    });
    await settle();
    expect(finished).toBe(false);
    runners.latest().finishStop();
    await Promise.all([unload, shutdown]);
    expect(manager.status().models).toEqual([]);
  });

  describe('start(), after a crash of the server', () => {
    it.each(['LOADING', 'LOADED', 'UNLOADING', 'ERROR'] as const)(
      'records RECOVERED_AFTER_RESTART from a %s state left in the audit log, as the system',
      async (state) => {
        const previous = leftBehind(state, new Date(Date.UTC(2025, 0, 1, 11, 0, 0)));
        const { manager, audit, clock, runners } = createScenario({ history: [previous] });
        await manager.start();
        expect(audit.records).toHaveLength(2);
        expect(audit.records[1]).toEqual({
          at: clock.now(),
          modelId: 'B',
          from: state,
          to: 'IDLE',
          reason: 'RECOVERED_AFTER_RESTART',
          actor: 'system',
          requestId: null,
          durationMs: 60 * 60 * 1000,
          error: null,
          details: null,
        });
        expect(manager.status().models).toEqual([]);
        const load = manager.load('A', ui);
        await settle();
        runners.latest().complete();
        expect((await load).models).toMatchObject([{ state: 'LOADED', modelId: 'A' }]);
      },
    );

    it('records nothing when the log is empty or ends IDLE', async () => {
      const empty = createScenario();
      await empty.manager.start();
      expect(empty.audit.records).toEqual([]);
      const clean = createScenario({ history: [{ ...leftBehind('IDLE', new Date(0)), from: 'LOADING', reason: 'LOAD_CANCELLED' }] });
      await clean.manager.start();
      expect(clean.audit.records).toHaveLength(1);
      expect(clean.manager.status().models).toEqual([]);
    });
  });
});
