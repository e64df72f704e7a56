import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { ModelStatus } from '../../../server/core/lifecycle/state-machine.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { createScenario, settle, type Scenario } from '../../helpers/scenario.js';

type Step =
  | { kind: 'load'; model: 'A' | 'B' | 'unknown'; wait: boolean; ms: number }
  | { kind: 'unload' | 'cancel' | 'complete' | 'fail' | 'progress' | 'crash'; wait: boolean; ms: number };

/** The state a step leaves behind once it has taken effect; null when it changed nothing. */
type Effect = { state: 'LOADED' | 'ERROR' | 'IDLE'; modelId: string | null } | null;

const timing = { wait: fc.boolean(), ms: fc.nat(5_000) };
const plain = (...kinds: Array<Exclude<Step['kind'], 'load'>>) => fc.record({ kind: fc.constantFrom(...kinds), ...timing });

// Weighted so that loads often complete and a LOADED model then meets unloads, switches and crashes.
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('load' as const), model: fc.constantFrom('A' as const, 'B' as const, 'unknown' as const), ...timing }) },
  { weight: 4, arbitrary: plain('complete') },
  { weight: 2, arbitrary: plain('unload', 'crash') },
  { weight: 1, arbitrary: plain('cancel', 'fail', 'progress') },
);

const LOAD_REJECTIONS = ['SUPERSEDED', 'CANCELLED', 'ILLEGAL_TRANSITION', 'LOAD_FAILED', 'RUNNER_CRASHED'];
const ui = { actor: 'ui' } as const;

/**
 * Sends one step without waiting for it and returns its effect once known. A load that succeeds leaves its model
 * LOADED, one that fails leaves ERROR; an unload, or a cancel that found a load, leaves IDLE. Every command that
 * takes effect after an earlier one has stopped that earlier one's work (supersede, cancel, unload), so the effects
 * happen in the order the steps were sent, and the last effect is the final state.
 */
async function send(step: Step, { manager, runners }: Scenario): Promise<{ effect: Promise<Effect> }> {
  switch (step.kind) {
    case 'load': {
      const modelId = step.model;
      const effect = manager.load(modelId, ui).then(
        (status): Effect => {
          expect(status).toMatchObject({ state: 'LOADED', modelId });
          return { state: 'LOADED', modelId };
        },
        (error: unknown): Effect => {
          expect(error).toBeInstanceOf(EaselError);
          const { code } = error as EaselError;
          expect(modelId === 'unknown' ? ['NOT_FOUND', 'ILLEGAL_TRANSITION'] : LOAD_REJECTIONS).toContain(code);
          return code === 'LOAD_FAILED' || code === 'RUNNER_CRASHED' ? { state: 'ERROR', modelId } : null;
        },
      );
      return { effect };
    }
    case 'unload':
      return {
        effect: manager.unload(ui).then((status): Effect => {
          expect(status.state).toBe('IDLE');
          return { state: 'IDLE', modelId: null };
        }),
      };
    case 'cancel':
      return {
        effect: manager.cancel(ui).then(({ cancelled, status }): Effect => {
          if (!cancelled) return null;
          expect(status.state).toBe('IDLE');
          return { state: 'IDLE', modelId: null };
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
      const pipeline = manager.pipeline();
      target.crash();
      // A crash mid-load shows up as that load's RUNNER_CRASHED; only a loaded runner's crash is an effect of its own.
      return { effect: Promise.resolve(pipeline?.runner === target ? { state: 'ERROR', modelId: pipeline.modelId } : null) };
    }
  }
}

function watchRunners({ manager, runners }: Scenario): string[] {
  const problems: string[] = [];
  let previous: ModelStatus['state'] = 'IDLE';
  manager.subscribe((status) => {
    const alive = runners.alive().length;
    const entering = status.state !== previous;
    previous = status.state;
    if (alive > 1) problems.push(`${alive} runners alive while ${status.state}`);
    if ((status.state === 'IDLE' || status.state === 'ERROR') && alive !== 0) problems.push(`${alive} runner(s) alive on entering ${status.state}`);
    if (status.state === 'LOADING' && entering && alive !== 0) problems.push('a runner was still alive when a new load began');
    if (status.state === 'LOADED' && alive !== 1) problems.push(`LOADED with ${alive} runners alive`);
  });
  return problems;
}

describe('ModelManager under random command sequences', () => {
  it('keeps a valid audit chain, ends in the state of the last effective command, and leaves no stray runner', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        const scenario = createScenario();
        const { manager, runners, audit, clock, logger } = scenario;
        const started = clock.now().getTime();
        const problems = watchRunners(scenario);
        const effects: Array<Promise<Effect>> = [];
        for (const step of steps) {
          clock.advance(step.ms);
          const { effect } = await send(step, scenario);
          effects.push(effect);
          if (step.wait) await (step.kind === 'load' ? settle() : effect);
        }
        for (let round = 0; round < steps.length + 2; round += 1) {
          await settle();
          runners.loading()?.complete();
        }
        const settled = await Promise.all(effects);
        await settle();

        const expected = settled.filter((effect) => effect !== null).at(-1) ?? { state: 'IDLE', modelId: null };
        expect(manager.status()).toMatchObject(expected);
        expect(chainProblems(audit.records)).toEqual([]);
        expect(audit.records.map((r) => r.durationMs)).toEqual(
          audit.records.map((r, i) => r.at.getTime() - (i === 0 ? started : audit.records[i - 1]!.at.getTime())),
        );
        expect(runners.runners).toHaveLength(audit.records.filter((r) => r.reason === 'LOAD_REQUESTED').length);
        expect(runners.maxAlive).toBeLessThanOrEqual(1);
        expect(problems).toEqual([]);
        expect(runners.alive()).toEqual(expected.state === 'LOADED' ? [manager.pipeline()?.runner] : []);
        expect(logger.messages('error')).toEqual([]);
      }),
      { numRuns: 500, timeout: 2_000 },
    );
  });
});
