// Random sequences of loads, unloads, cancels, jobs, expiry, runner crashes and database outages across three
// models under a small budget, checked after every step: memory and count within the budget, every model's audit
// chain valid, no runner alive without a model that owns it; and at the end, every command settles and every job
// ends. Real timers are faked (the audit writer's and the job store's retries) so nothing waits on the wall clock.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isEaselError, type EaselError } from '../../../server/core/errors.js';
import type { FakeRunner } from '../../helpers/fake-runner.js';
import { createGenerationScenario, type GenerationScenario } from '../../helpers/generation-scenario.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { MODEL_PATHS, settle, stateOf } from '../../helpers/scenario.js';

const GiB = 1024 ** 3;
const MODELS = ['A', 'B', 'C'] as const;
const BUDGET = { memoryBytes: 3.5 * GiB, maxLoaded: 2 };
const LOAD_TIMEOUT_MS = 60_000;
const KEEP_ALIVE_SECONDS = 30;
const ui = { actor: 'ui' } as const;
const origin = { actor: 'ui' as const, ownerRole: 'local' as const, ownerId: null };

type Action =
  | { kind: 'load'; model: string; keepAlive: number | null }
  | { kind: 'unload'; model: string | null }
  | { kind: 'cancel'; model: string | null }
  | { kind: 'generate'; model: string | null; steps: number }
  | { kind: 'completeLoad' | 'failLoad' | 'finishJob' | 'failJob' | 'cancelJob' | 'crash'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'finishStop' | 'auditFail' | 'auditOk' | 'storeFail' | 'storeOk' };

const model = fc.constantFrom(...MODELS);
const maybeModel = fc.option(model, { nil: null });
const pick = fc.nat({ max: 5 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('load' as const), model, keepAlive: fc.constantFrom(null, -1, 0, 10, 60) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unload' as const), model: maybeModel }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), model: maybeModel }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('generate' as const), model: maybeModel, steps: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('completeLoad' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('failLoad' as const), pick }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('finishJob' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('failJob' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelJob' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('finishStop' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1000, 11_000, 31_000, LOAD_TIMEOUT_MS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('auditFail' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('auditOk' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('storeFail' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('storeOk' as const) }) },
);

/** Codes a command may fairly answer with (and INTERNAL when the audit log refused it); anything else is a bug. */
const EXPECTED_CODES = new Set(['CANCELLED', 'INSUFFICIENT_MEMORY', 'NOT_LOADED', 'BUSY', 'LOAD_FAILED', 'RUNNER_CRASHED', 'ILLEGAL_TRANSITION', 'UNLOAD_FAILED']);

interface Tracked {
  what: string;
  settled: boolean;
  error?: unknown;
}

function modelOf(runner: FakeRunner): string {
  const path = runner.requests[0]?.modelPath;
  return Object.entries(MODEL_PATHS).find(([, p]) => p === path)?.[0] ?? '?';
}

function nth<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** Stops held by the 'hold' option can only be told apart by trying: finishStop throws when none is held. */
function finishStop(runner: FakeRunner): boolean {
  try {
    runner.finishStop();
    return true;
  } catch {
    return false;
  }
}

async function quiesce(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await settle();
}

/**
 * `settledWorld`: nothing is held (no stop in progress), so every model that holds a runner must have a live one.
 * While a stop is held the command queue may not yet have heard of a runner that died meanwhile.
 */
function checkInvariants(scenario: GenerationScenario, after: string, settledWorld = false): void {
  const status = scenario.manager.status();
  const where = `after ${after}`;
  expect(status.memoryUsedBytes, where).toBeLessThanOrEqual(BUDGET.memoryBytes);
  const occupying = status.models.filter((m) => m.state === 'LOADING' || m.state === 'LOADED' || m.state === 'UNLOADING');
  expect(occupying.length, where).toBeLessThanOrEqual(BUDGET.maxLoaded);
  expect(chainProblems(scenario.audit.records), where).toEqual([]);
  // Every live runner belongs to a model that holds it, one runner per model.
  const owners = scenario.runners.alive().map(modelOf).sort();
  expect(new Set(owners).size, where).toBe(owners.length);
  for (const owner of owners) expect(occupying.map((m) => m.modelId), `${where}: the runner of ${owner}`).toContain(owner);
  if (settledWorld) expect(owners, where).toEqual(occupying.map((m) => m.modelId).sort());
  // No runner is stopped or killed under a job (eviction, expiry or unload while leased): only a crash cuts one short.
  for (const runner of scenario.runners.runners) {
    if (runner.ended === 'crash') continue;
    const cut = runner.held.filter((generation) => generation.settled === 'ended').map((generation) => generation.request.jobId);
    expect(cut, `${where}: jobs cut short when the runner of ${modelOf(runner)} was ${runner.ended}`).toEqual([]);
  }
  for (const m of status.models) expect(m.state, where).toBe(stateOf(status, m.modelId));
}

async function run(actions: Action[], stopMode: 'exit' | 'hold'): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const scenario = await createGenerationScenario({
    loaded: false,
    parallel: 2,
    limit: 64,
    watch: 64,
    scenario: {
      budget: BUDGET,
      estimates: { '/models/a': GiB, '/models/b': 1.5 * GiB, '/models/c': 2 * GiB },
      keepAlive: { defaultSeconds: KEEP_ALIVE_SECONDS },
      loadTimeoutMs: LOAD_TIMEOUT_MS,
      runner: { rssBytes: GiB, stop: stopMode },
    },
  });
  const { manager, queue, runners, clock } = scenario;
  const tracked: Tracked[] = [];
  const track = (what: string, promise: Promise<unknown>) => {
    const entry: Tracked = { what, settled: false };
    tracked.push(entry);
    promise.then(
      () => (entry.settled = true),
      (error: unknown) => {
        entry.settled = true;
        entry.error = error;
      },
    );
  };
  const loading = () => runners.runners.filter((r) => r.loading);
  const generating = () => runners.runners.flatMap((r) => (r.generating ? [r.generating] : []));

  for (const [index, step] of actions.entries()) {
    switch (step.kind) {
      case 'load':
        track(`load ${step.model}`, manager.load(step.model, ui, step.keepAlive === null ? undefined : { seconds: step.keepAlive, role: 'admin' }));
        break;
      case 'unload':
        track(`unload ${step.model ?? 'all'}`, manager.unload(ui, step.model ?? undefined));
        break;
      case 'cancel':
        track(`cancel ${step.model ?? 'all'}`, manager.cancel(ui, step.model ?? undefined));
        break;
      case 'generate':
        track(`generate on ${step.model ?? 'the last used'}`, queue.start(step.model === null ? { prompt: 'p', steps: step.steps } : { prompt: 'p', steps: step.steps, model: step.model }, origin));
        break;
      case 'completeLoad':
        nth(loading(), step.pick)?.complete();
        break;
      case 'failLoad':
        nth(loading(), step.pick)?.fail();
        break;
      case 'finishJob':
        nth(generating(), step.pick)?.complete();
        break;
      case 'failJob':
        nth(generating(), step.pick)?.fail();
        break;
      case 'cancelJob': {
        const job = nth(queue.jobs(), step.pick);
        if (job) track(`cancel job ${job.id}`, queue.cancel(job.id));
        break;
      }
      case 'crash':
        nth(runners.alive(), step.pick)?.crash();
        break;
      case 'finishStop':
        runners.alive().some(finishStop);
        break;
      case 'advance':
        clock.advance(step.ms);
        break;
      case 'auditFail':
        scenario.audit.failWith(new Error('disk I/O error'));
        break;
      case 'auditOk':
        scenario.audit.failWith(null);
        break;
      case 'storeFail':
        scenario.store.failUpdatesWith(new Error('SQLITE_BUSY: database is locked'));
        break;
      case 'storeOk':
        scenario.store.failUpdatesWith(null);
        break;
    }
    await quiesce();
    checkInvariants(scenario, `step ${index} (${JSON.stringify(step)})`);
  }

  // The world cooperates from here on: loads complete, jobs finish, stops end, time passes. Everything must settle
  // within a bounded number of rounds (a deadlock would keep something pending for ever).
  // The audit log and the job store come back, and the rows kept for a retry are written.
  scenario.audit.failWith(null);
  scenario.store.failUpdatesWith(null);
  await vi.advanceTimersByTimeAsync(10_000);
  for (let round = 0; round < 100; round += 1) {
    const open = tracked.some((t) => !t.settled) || queue.jobs().length > 0 || loading().length > 0;
    if (!open) break;
    let acted = false;
    for (const runner of loading()) {
      runner.complete();
      acted = true;
    }
    for (const generation of generating()) {
      generation.complete();
      acted = true;
    }
    for (const runner of runners.alive()) acted = finishStop(runner) || acted;
    if (!acted) clock.advance(LOAD_TIMEOUT_MS);
    await quiesce();
    checkInvariants(scenario, `drain round ${round}`, !acted);
  }

  expect(tracked.filter((t) => !t.settled).map((t) => t.what), 'commands that never settled').toEqual([]);
  for (const t of tracked) {
    if (t.error === undefined) continue;
    expect(isEaselError(t.error), `${t.what} failed with ${String(t.error)}`).toBe(true);
    const { code, message } = t.error as EaselError;
    const refusedByTheLog = code === 'INTERNAL' && message.includes("the audit log can't be written");
    expect(EXPECTED_CODES.has(code) || refusedByTheLog, `${t.what} failed with ${String(t.error)}`).toBe(true);
  }
  expect(queue.jobs()).toEqual([]);
  for (const id of scenario.store.created) {
    expect(['done', 'failed', 'cancelled'], `job ${id}`).toContain(scenario.store.records.get(id)!.status);
    expect(['done', 'failed', 'cancelled'], `job ${id}'s last event`).toContain(scenario.events(id).at(-1)?.status);
  }
  // Once idle long enough, every model's keep-alive has run out and no runner is left.
  clock.advance(24 * 3600 * 1000);
  await quiesce();
  for (const runner of runners.alive()) finishStop(runner);
  await quiesce();
  expect(manager.status().models.filter((m) => m.state !== 'ERROR' && m.keepAlive !== -1)).toEqual([]);
  checkInvariants(scenario, 'the final expiry', true);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the model cache under random sequences', () => {
  it('keeps its invariants, settles every command and ends every job (runners that stop at once)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), (actions) => run(actions, 'exit')),
      { numRuns: 150 },
    );
  });

  it('keeps its invariants, settles every command and ends every job (runners whose stop takes a while)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), (actions) => run(actions, 'hold')),
      { numRuns: 150 },
    );
  });
});
