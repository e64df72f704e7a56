import { describe, expect, it } from 'vitest';
import { EaselError, isEaselError } from '../../../server/core/errors.js';
import type { ModelManager } from '../../../server/core/model-manager.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { MODEL_PATHS, createScenario, settle, stateOf } from '../../helpers/scenario.js';

type Call = 'load A' | 'load B' | 'unload' | 'cancel';

const ui = { actor: 'ui' } as const;

function send(manager: ModelManager, call: Call): Promise<string> {
  const outcome =
    call === 'unload'
      ? manager.unload(ui).then((status) => (status.models.some((m) => m.state === 'LOADED') ? 'still loaded' : 'IDLE'))
      : call === 'cancel'
        ? manager.cancel(ui).then((result) => (result.cancelled ? 'cancelled' : 'nothing to cancel'))
        : manager.load(call.slice(5), ui).then((status) => `${stateOf(status, call.slice(5))} ${call.slice(5)}`);
  return outcome.catch((error: unknown) => (error instanceof EaselError ? error.code : `not an EaselError: ${String(error)}`));
}

/**
 * What the calls must come to if each ran to its end before the next, with every load hanging until the end and
 * room for every model: a load of another model runs beside the first; unload and cancel stop every load in flight,
 * in the order the models were first asked for.
 */
function sequentially(calls: Call[]) {
  const outcomes: string[] = [];
  const spawns: string[] = [];
  const reasons: string[] = [];
  const inFlight = new Map<string, number[]>();
  const met: string[] = [];
  let maxAlive = 0;
  const stopAll = () => {
    for (const model of met) {
      for (const caller of inFlight.get(model) ?? []) outcomes[caller] = 'CANCELLED';
      if (inFlight.delete(model)) reasons.push(`LOAD_CANCELLED ${model}`);
    }
  };
  calls.forEach((call, index) => {
    if (call === 'unload') {
      stopAll();
      outcomes[index] = 'IDLE';
    } else if (call === 'cancel') {
      outcomes[index] = inFlight.size > 0 ? 'cancelled' : 'nothing to cancel';
      stopAll();
    } else {
      const model = call.slice(5);
      if (!met.includes(model)) met.push(model);
      const callers = inFlight.get(model);
      if (callers) {
        callers.push(index);
        return;
      }
      spawns.push(model);
      reasons.push(`LOAD_REQUESTED ${model}`);
      inFlight.set(model, [index]);
      maxAlive = Math.max(maxAlive, inFlight.size);
    }
  });
  const loaded = [...inFlight.keys()];
  for (const model of loaded) {
    for (const caller of inFlight.get(model)!) outcomes[caller] = `LOADED ${model}`;
    reasons.push(`LOAD_COMPLETED ${model}`);
  }
  return { outcomes, spawns, reasons, loaded, maxAlive };
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
    for (const runner of runners.runners) if (runner.loading) runner.complete();
    const expected = sequentially(order);

    expect(await Promise.all(outcomes)).toEqual(expected.outcomes);
    expect(runners.runners.map((runner) => runner.requests.map((r) => r.modelPath))).toEqual(expected.spawns.map((m) => [MODEL_PATHS[m]]));
    expect(audit.records.map((r) => `${r.reason} ${r.modelId}`)).toEqual(expected.reasons);
    expect(chainProblems(audit.records)).toEqual([]);
    expect(manager.status().models.map((m) => `${m.state} ${m.modelId}`)).toEqual(expected.loaded.map((m) => `LOADED ${m}`).sort());
    expect(runners.alive().map((r) => r.requests[0]?.modelPath)).toEqual(expected.loaded.map((m) => MODEL_PATHS[m]));
    expect(runners.runners.filter((r) => !r.alive).every((r) => r.ended === 'kill')).toBe(true);
    expect(runners.maxAlive).toBe(expected.maxAlive);
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
    expect(a.models).toMatchObject([{ state: 'LOADED', modelId: 'A', device: 'cpu' }]);
  });

  it('cancels a load in flight before unloading, killing its runner', async () => {
    const { manager, runners, audit } = createScenario();
    const load = manager.load('A', ui).catch((error: unknown) => error);
    await settle();
    expect((await manager.unload(ui, 'A')).models).toEqual([]);
    const error = await load;
    expect(isEaselError(error, 'CANCELLED')).toBe(true);
    expect((error as EaselError).details).toEqual({ modelId: 'A' });
    expect(runners.latest().ended).toBe('kill');
    expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_CANCELLED']);
    expect(audit.records.at(-1)).toMatchObject({ modelId: 'A', error: 'The load of "A" was cancelled by an unload request' });
    expect(audit.records.at(-1)?.details).toMatchObject({ pid: runners.latest().pid, processGone: true, exit: { signal: 'SIGKILL' } });
  });

  it('kills the runner mid-load on cancel and rejects the callers with CANCELLED', async () => {
    const { manager, runners, audit } = createScenario();
    const load = manager.load('A', ui).catch((error: unknown) => error);
    await settle();
    runners.latest().progress(0);
    const result = await manager.cancel({ actor: 'script', requestId: 'req-7' });
    expect(result).toMatchObject({ cancelled: true, status: { models: [] } });
    const error = await load;
    expect(isEaselError(error, 'CANCELLED')).toBe(true);
    expect((error as Error).message).toBe('The load of "A" was cancelled');
    expect(runners.alive()).toEqual([]);
    expect(audit.records.at(-1)).toMatchObject({ reason: 'LOAD_CANCELLED', actor: 'script', requestId: 'req-7', modelId: 'A' });
  });

  it('answers a cancel with nothing loading by changing nothing', async () => {
    const { manager, audit } = createScenario();
    expect(await manager.cancel(ui)).toMatchObject({ cancelled: false, status: { models: [] } });
    expect(audit.records).toEqual([]);
  });

  describe('with a runner whose result is already on its way when it is stopped', () => {
    const late = () => createScenario({ runner: { honourAbort: false } });

    it('discards the late success of a cancelled load, and a new load of the model is not confused by it', async () => {
      const { manager, runners, audit, statuses } = late();
      void manager.load('A', ui).catch(() => undefined);
      await settle();
      await manager.cancel(ui, 'A');
      const again = manager.load('A', ui);
      await settle();
      const [stale, fresh] = runners.runners;
      const recorded = audit.records.length;
      const seen = statuses.length;
      stale?.progress(2);
      stale?.complete();
      await settle();
      expect(manager.status().models).toMatchObject([{ state: 'LOADING', modelId: 'A' }]);
      expect(manager.status().models[0]?.loadProgress).toBeUndefined();
      expect(manager.describe('A')).toBeNull();
      expect(audit.records).toHaveLength(recorded);
      expect(statuses).toHaveLength(seen);
      fresh?.complete();
      expect((await again).models).toMatchObject([{ state: 'LOADED', modelId: 'A' }]);
      expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_CANCELLED', 'LOAD_REQUESTED', 'LOAD_COMPLETED']);
    });

    it('discards the late failure of a cancelled load', async () => {
      const { manager, runners, audit } = late();
      void manager.load('A', ui).catch(() => undefined);
      await settle();
      await manager.cancel(ui);
      runners.latest().fail();
      await settle();
      expect(manager.status().models).toEqual([]);
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
    expect(manager.status().models).toMatchObject([{ state: 'ERROR', modelId: 'A' }]);
    expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_FAILED']);
  });
});
