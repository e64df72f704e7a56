import { describe, expect, it } from 'vitest';
import { EaselError, isEaselError } from '../../../server/core/errors.js';
import type { ModelManager } from '../../../server/core/model-manager.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { MODEL_PATHS, createScenario, settle } from '../../helpers/scenario.js';

type Call = 'load A' | 'load B' | 'unload' | 'cancel';

const ui = { actor: 'ui' } as const;

function send(manager: ModelManager, call: Call): Promise<string> {
  const outcome =
    call === 'unload'
      ? manager.unload(ui).then((status) => status.state)
      : call === 'cancel'
        ? manager.cancel(ui).then((result) => (result.cancelled ? 'cancelled' : 'nothing to cancel'))
        : manager.load(call.slice(5), ui).then((status) => `${status.state} ${status.modelId}`);
  return outcome.catch((error: unknown) => (error instanceof EaselError ? error.code : `not an EaselError: ${String(error)}`));
}

/** What the calls must come to if each ran to its end before the next, with every load hanging until the end. */
function sequentially(calls: Call[]) {
  const outcomes: string[] = [];
  const spawns: string[] = [];
  const reasons: string[] = [];
  let inFlight: { model: string; callers: number[] } | null = null;
  const stop = (code: string) => {
    for (const caller of inFlight?.callers ?? []) outcomes[caller] = code;
    reasons.push('LOAD_CANCELLED');
    inFlight = null;
  };
  calls.forEach((call, index) => {
    if (call === 'unload') {
      if (inFlight) stop('CANCELLED');
      outcomes[index] = 'IDLE';
    } else if (call === 'cancel') {
      outcomes[index] = inFlight ? 'cancelled' : 'nothing to cancel';
      if (inFlight) stop('CANCELLED');
    } else {
      const model = call.slice(5);
      if (inFlight?.model === model) {
        inFlight.callers.push(index);
        return;
      }
      if (inFlight) stop('SUPERSEDED');
      spawns.push(model);
      reasons.push('LOAD_REQUESTED');
      inFlight = { model, callers: [index] };
    }
  });
  const finished = inFlight as { model: string; callers: number[] } | null;
  if (finished) {
    for (const caller of finished.callers) outcomes[caller] = `LOADED ${finished.model}`;
    reasons.push('LOAD_COMPLETED');
  }
  return { outcomes, spawns, reasons, loaded: finished?.model ?? null };
}

function distinctPermutations(items: Call[]): Call[][] {
  if (items.length <= 1) return [items];
  const seen = new Set<string>();
  const result: Call[][] = [];
  items.forEach((item, index) => {
    for (const rest of distinctPermutations([...items.slice(0, index), ...items.slice(index + 1)])) {
      const permutation = [item, ...rest];
      const key = permutation.join(', ');
      if (!seen.has(key)) {
        seen.add(key);
        result.push(permutation);
      }
    }
  });
  return result;
}

const ORDERS = distinctPermutations(['load A', 'load A', 'load B', 'unload', 'cancel']);

describe('Loader, sent calls without waiting as a UI that mounts twice does', () => {
  it('covers every distinct order of load A, load A, load B, unload and cancel', () => {
    expect(ORDERS).toHaveLength(60);
  });

  it.each(ORDERS.map((order) => [order.join(', '), order] as const))('settles "%s" as if each call ran alone, in order', async (_, order) => {
    const { manager, runners, audit } = createScenario();
    const outcomes = order.map((call) => send(manager, call));
    await settle();
    runners.loading()?.complete();
    const expected = sequentially(order);

    expect(await Promise.all(outcomes)).toEqual(expected.outcomes);
    expect(runners.runners.map((runner) => runner.requests.map((r) => r.modelPath))).toEqual(expected.spawns.map((m) => [MODEL_PATHS[m]]));
    expect(audit.records.map((r) => r.reason)).toEqual(expected.reasons);
    expect(chainProblems(audit.records)).toEqual([]);
    expect(manager.status()).toMatchObject(expected.loaded ? { state: 'LOADED', modelId: expected.loaded } : { state: 'IDLE', modelId: null });
    expect(runners.alive().map((r) => r.pid)).toEqual(expected.loaded ? [runners.latest().pid] : []);
    expect(runners.runners.filter((r) => !r.alive).every((r) => r.ended === 'kill')).toBe(true);
    expect(runners.maxAlive).toBe(expected.spawns.length > 0 ? 1 : 0);
  });
});

describe('Loader', () => {
  it('loads a model asked for twice only once, answering both callers with the same status', async () => {
    const { manager, runners } = createScenario();
    const first = manager.load('A', ui);
    const second = manager.load('A', { actor: 'script' });
    await settle();
    runners.latest().complete();
    const [a, b] = await Promise.all([first, second]);
    expect(runners.runners).toHaveLength(1);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ state: 'LOADED', modelId: 'A', device: 'cpu' });
  });

  it('supersedes a load in flight with a load of another model, recording which model superseded it', async () => {
    const { manager, runners, audit } = createScenario();
    const a = manager.load('A', ui).catch((error: unknown) => error);
    const b = manager.load('B', ui);
    await settle();
    const [runnerA, runnerB] = runners.runners;
    expect(runnerA?.ended).toBe('kill');
    runnerB?.complete();
    await b;
    const error = await a;
    expect(isEaselError(error, 'SUPERSEDED')).toBe(true);
    expect((error as EaselError).details).toEqual({ modelId: 'A' });
    const cancelled = audit.records.find((r) => r.reason === 'LOAD_CANCELLED');
    expect(cancelled).toMatchObject({ modelId: 'A', from: 'LOADING', to: 'IDLE' });
    expect(cancelled?.error).toBe('The load of "A" was superseded by a load of "B"');
    expect(cancelled?.details).toMatchObject({ pid: runnerA?.pid, processGone: true, exit: { signal: 'SIGKILL' } });
    expect(audit.records.map((r) => `${r.reason} ${r.modelId}`)).toEqual(['LOAD_REQUESTED A', 'LOAD_CANCELLED A', 'LOAD_REQUESTED B', 'LOAD_COMPLETED B']);
  });

  it('cancels a load in flight before unloading, killing its runner', async () => {
    const { manager, runners, audit } = createScenario();
    const load = manager.load('A', ui).catch((error: unknown) => error);
    await settle();
    expect(await manager.unload(ui)).toMatchObject({ state: 'IDLE', error: 'The load of "A" was cancelled by an unload request' });
    expect(isEaselError(await load, 'CANCELLED')).toBe(true);
    expect(runners.latest().ended).toBe('kill');
    expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_CANCELLED']);
  });

  it('kills the runner mid-load on cancel and rejects the callers with CANCELLED', async () => {
    const { manager, runners, audit } = createScenario();
    const load = manager.load('A', ui).catch((error: unknown) => error);
    await settle();
    runners.latest().progress(0);
    const result = await manager.cancel({ actor: 'script', requestId: 'req-7' });
    expect(result).toMatchObject({ cancelled: true, status: { state: 'IDLE' } });
    const error = await load;
    expect(isEaselError(error, 'CANCELLED')).toBe(true);
    expect((error as Error).message).toBe('The load of "A" was cancelled');
    expect(runners.alive()).toEqual([]);
    expect(audit.records.at(-1)).toMatchObject({ reason: 'LOAD_CANCELLED', actor: 'script', requestId: 'req-7', modelId: 'A' });
  });

  it('answers a cancel with nothing loading by changing nothing', async () => {
    const { manager, audit } = createScenario();
    expect(await manager.cancel(ui)).toMatchObject({ cancelled: false, status: { state: 'IDLE' } });
    expect(audit.records).toEqual([]);
  });

  describe('with a runner whose result is already on its way when it is stopped', () => {
    const late = () => createScenario({ runner: { honourAbort: false } });

    it('discards the late success of a superseded load', async () => {
      const { manager, runners, audit, statuses } = late();
      void manager.load('A', ui).catch(() => undefined);
      const b = manager.load('B', ui);
      await settle();
      const [runnerA, runnerB] = runners.runners;
      const recorded = audit.records.length;
      const seen = statuses.length;
      runnerA?.progress(2);
      runnerA?.complete();
      await settle();
      expect(manager.status()).toMatchObject({ state: 'LOADING', modelId: 'B' });
      expect(manager.pipeline()).toBeNull();
      expect(audit.records).toHaveLength(recorded);
      expect(statuses).toHaveLength(seen);
      runnerB?.complete();
      expect(await b).toMatchObject({ state: 'LOADED', modelId: 'B' });
      expect(manager.pipeline()?.runner).toBe(runnerB);
    });

    it('discards the late failure of a cancelled load', async () => {
      const { manager, runners, audit } = late();
      void manager.load('A', ui).catch(() => undefined);
      await settle();
      await manager.cancel(ui);
      runners.latest().fail();
      await settle();
      expect(manager.status().state).toBe('IDLE');
      expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_CANCELLED']);
    });
  });

  it('records a runner that dies mid-load as a failed load and rejects with RUNNER_CRASHED', async () => {
    const { manager, runners, audit } = createScenario();
    const load = manager.load('A', ui).catch((error: unknown) => error);
    await settle();
    runners.latest().crash({ code: 139, signal: null });
    const error = await load;
    expect(isEaselError(error, 'RUNNER_CRASHED')).toBe(true);
    expect((error as Error).message).toContain('Loading "A" failed');
    expect(manager.status()).toMatchObject({ state: 'ERROR', modelId: 'A' });
    expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_FAILED']);
  });
});
