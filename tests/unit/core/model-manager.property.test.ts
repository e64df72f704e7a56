import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { ModelState } from '../../../server/core/lifecycle/transitions.js';
import type { ModelsStatus } from '../../../server/core/model-manager.js';
import type { FakeRunner } from '../../helpers/fake-runner.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { createScenario, MODEL_PATHS, settle, stateOf, type Scenario } from '../../helpers/scenario.js';

type Step =
  | { kind: 'load'; model: 'A' | 'B' | 'unknown'; wait: boolean; ms: number }
  | { kind: 'unload' | 'cancel' | 'complete' | 'fail' | 'progress' | 'crash'; wait: boolean; ms: number };

/** What a step does to the models' states once it has taken effect; null when it changed nothing. */
type Effect = ((states: Map<string, ModelState>) => void) | null;

const MODELS = ['A', 'B'] as const;

const timing = { wait: fc.boolean(), ms: fc.nat(5_000) };
const plain = (...kinds: Array<Exclude<Step['kind'], 'load'>>) => fc.record({ kind: fc.constantFrom(...kinds), ...timing });

// Weighted so that loads often complete and a LOADED model then meets unloads, switches and crashes.
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('load' as const), model: fc.constantFrom('A' as const, 'B' as const, 'unknown' as const), ...timing }) },
  { weight: 4, arbitrary: plain('complete') },
  { weight: 2, arbitrary: plain('unload', 'crash') },
  { weight: 1, arbitrary: plain('cancel', 'fail', 'progress') },
);

const LOAD_REJECTIONS = ['CANCELLED', 'LOAD_FAILED', 'RUNNER_CRASHED'];
const ui = { actor: 'ui' } as const;

function evictOthers(states: Map<string, ModelState>, modelId: string): void {
  for (const [id, state] of states) if (id !== modelId && state === 'LOADED') states.delete(id);
}

/** The model a fake runner was started for. */
function modelOf(runner: FakeRunner): string | undefined {
  return Object.keys(MODEL_PATHS).find((id) => MODEL_PATHS[id] === runner.requests[0]?.modelPath);
}

/**
 * Sends one step without waiting for it and returns its effect once known. With room for one model, a load that
 * succeeds leaves its model LOADED and the model it evicted IDLE, one that fails leaves ERROR; an unload leaves
 * every model IDLE, a cancel every model it found loading. A load waiting for room is served after the loads
 * before it, whatever was asked since, so the effects apply in the order they took effect, not the order sent.
 */
async function send(step: Step, { manager, runners }: Scenario): Promise<{ effect: Promise<Effect> }> {
  switch (step.kind) {
    case 'load': {
      const modelId = step.model;
      const effect = manager.load(modelId, ui).then(
        (status): Effect => {
          expect(stateOf(status, modelId)).toBe('LOADED');
          return (states) => {
            evictOthers(states, modelId);
            states.set(modelId, 'LOADED');
          };
        },
        (error: unknown): Effect => {
          expect(error).toBeInstanceOf(EaselError);
          const { code, message } = error as EaselError;
          expect(modelId === 'unknown' ? ['NOT_FOUND'] : LOAD_REJECTIONS).toContain(code);
          // A load that started had made room first; one cancelled while it waited for room changed nothing, and
          // one an unload stopped is covered by that unload's effect.
          if (code === 'NOT_FOUND' || message.includes('while it waited for memory') || message.includes('unload request')) return null;
          return (states) => {
            evictOthers(states, modelId);
            if (code === 'CANCELLED') states.delete(modelId);
            else states.set(modelId, 'ERROR');
          };
        },
      );
      return { effect };
    }
    case 'unload':
      return {
        effect: manager.unload(ui).then((): Effect => (states) => states.clear()),
      };
    case 'cancel':
      return {
        // What the cancel found loading is IDLE in the status it answers; what it did not list was IDLE already.
        effect: manager.cancel(ui).then(({ status }): Effect => (states) => {
          for (const id of MODELS) if (stateOf(status, id) === 'IDLE') states.delete(id);
        }),
      };
    case 'complete':
      runners.loading()?.complete();
      return { effect: Promise.resolve(null) };
    case 'fail':
      runners.loading()?.fail();
      return { effect: Promise.resolve(null) };
    case 'progress':
      runners.loading()?.progress(1);
      return { effect: Promise.resolve(null) };
    case 'crash': {
      // A process exit reaches Node in a later turn than the messages sent before it; the flush models that.
      await settle();
      const target = runners.alive()[0];
      if (!target) return { effect: Promise.resolve(null) };
      const modelId = modelOf(target)!;
      const loaded = stateOf(manager.status(), modelId) === 'LOADED' && !target.loading;
      target.crash();
      // A crash mid-load shows up as that load's RUNNER_CRASHED; only a loaded runner's crash is an effect of its own.
      return { effect: Promise.resolve(loaded ? (states: Map<string, ModelState>) => void states.set(modelId, 'ERROR') : null) };
    }
  }
}

/** Checks every status sent against the runners alive: with room for one model, one runner at most, the model's own. */
function watchRunners({ manager, runners }: Scenario): string[] {
  const problems: string[] = [];
  const previous = new Map<string, string>();
  manager.subscribe((status: ModelsStatus) => {
    const alive = runners.alive();
    const occupying = status.models.filter((m) => m.state !== 'ERROR');
    if (alive.length > 1) problems.push(`${alive.length} runners alive while ${occupying.map((m) => `${m.modelId} ${m.state}`).join(', ')}`);
    if (occupying.length > status.maxLoaded) problems.push(`${occupying.length} models resident with room for ${status.maxLoaded}`);
    if (status.memoryUsedBytes > status.memoryBudgetBytes) problems.push(`${status.memoryUsedBytes} bytes used of ${status.memoryBudgetBytes}`);
    for (const modelId of MODELS) {
      const state = stateOf(status, modelId);
      const entering = state !== (previous.get(modelId) ?? 'IDLE');
      previous.set(modelId, state);
      const own = alive.filter((runner) => modelOf(runner) === modelId).length;
      if ((state === 'IDLE' || state === 'ERROR') && entering && own !== 0) problems.push(`${own} runner(s) of ${modelId} alive on entering ${state}`);
      if (state === 'LOADING' && entering && alive.length !== 0) problems.push(`a runner was still alive when the load of ${modelId} began`);
      if (state === 'LOADED' && (own !== 1 || alive.length !== 1)) problems.push(`${modelId} LOADED with ${own} of its runners and ${alive.length} in all alive`);
    }
  });
  return problems;
}

describe('ModelManager under random command sequences', () => {
  it('keeps valid audit chains, ends in the states the effective commands left, and leaves no stray runner, with room for one model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        const scenario = createScenario({ budget: { maxLoaded: 1 } });
        const { manager, runners, audit, clock, logger } = scenario;
        const started = clock.now().getTime();
        const problems = watchRunners(scenario);
        const effects: Array<Promise<void>> = [];
        const taken: Effect[] = [];
        for (const step of steps) {
          clock.advance(step.ms);
          const { effect } = await send(step, scenario);
          effects.push(effect.then((e) => void taken.push(e)));
          if (step.wait) await (step.kind === 'load' ? settle() : effect);
        }
        for (let round = 0; round < steps.length + 2; round += 1) {
          await settle();
          runners.loading()?.complete();
        }
        await Promise.all(effects);
        await settle();

        const expected = new Map<string, ModelState>();
        for (const effect of taken) effect?.(expected);
        const final = manager.status();
        expect(Object.fromEntries(MODELS.map((id) => [id, stateOf(final, id)]))).toEqual(Object.fromEntries(MODELS.map((id) => [id, expected.get(id) ?? 'IDLE'])));
        expect(chainProblems(audit.records)).toEqual([]);
        // Each model's durations run from its own previous record; its first state began when the cache met it.
        const lastAt = new Map<string | null, number>();
        for (const record of audit.records) {
          const previousAt = lastAt.get(record.modelId);
          if (previousAt === undefined) expect(record.durationMs).toBeLessThanOrEqual(record.at.getTime() - started);
          else expect(record.durationMs).toBe(record.at.getTime() - previousAt);
          lastAt.set(record.modelId, record.at.getTime());
        }
        expect(runners.runners).toHaveLength(audit.records.filter((r) => r.reason === 'LOAD_REQUESTED').length);
        expect(runners.maxAlive).toBeLessThanOrEqual(1);
        expect(problems).toEqual([]);
        const loaded = MODELS.filter((id) => expected.get(id) === 'LOADED');
        expect(runners.alive().map(modelOf)).toEqual(loaded);
        expect(logger.messages('error')).toEqual([]);
      }),
      { numRuns: 500, timeout: 2_000 },
    );
  });
});
