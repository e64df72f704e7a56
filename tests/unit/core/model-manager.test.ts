import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import type { ModelsStatus } from '../../../server/core/model-manager.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { createLoadedScenario, createScenario, outcomeOf, settle, stateOf } from '../../helpers/scenario.js';

const ui = { actor: 'ui' } as const;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('ModelManager', () => {
  it('loads a registered model in a runner: LOADING, then LOADED with the device it runs on', async () => {
    const { manager, runners, audit, models } = createScenario();
    const load = manager.load('A', { actor: 'script', requestId: 'req-1' });
    await settle();
    expect(manager.status().models).toMatchObject([{ modelId: 'A', state: 'LOADING', memoryBytes: GiB, memorySource: 'estimated' }]);
    expect(runners.latest().requests).toEqual([{ modelPath: '/models/a', device: 'cpu' }]);
    runners.latest().complete({ device: 'cpu', deviceNote: 'CUDA provider missing; using the CPU' });
    expect((await load).models).toMatchObject([{ modelId: 'A', state: 'LOADED', device: 'cpu', memoryBytes: 512 * MiB, memorySource: 'measured' }]);
    expect(audit.records.map((r) => [r.reason, r.actor, r.requestId])).toEqual([
      ['LOAD_REQUESTED', 'script', 'req-1'],
      ['LOAD_COMPLETED', 'script', 'req-1'],
    ]);
    expect(audit.records[1]?.details).toEqual({
      deviceNote: 'CUDA provider missing; using the CPU',
      estimatedBytes: GiB,
      memoryBytes: 512 * MiB,
      memorySource: 'measured',
      runnerMemory: { rssBytes: 512 * MiB },
    });
    expect(models.loadedAt.get('A')).toEqual(audit.records[1]?.at);
    expect(models.measured.get('A')).toBe(512 * MiB);
    expect(manager.describe('A')).toMatchObject({ modelId: 'A', modelPath: '/models/a', sampler: 'ddim' });
    expect(runners.alive()).toEqual([runners.latest()]);
  });

  it('refuses an unknown model id with NOT_FOUND, naming it, without any transition or runner', async () => {
    const { manager, runners, audit } = createScenario();
    const error = await outcomeOf(manager.load('nope', ui));
    expect(isEaselError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('"nope"');
    expect(manager.status().models).toEqual([]);
    expect(audit.records).toEqual([]);
    expect(runners.runners).toEqual([]);
  });

  it('answers a load of the model already loaded at once, without a transition', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A');
    expect((await manager.load('A', ui)).models).toMatchObject([{ modelId: 'A', state: 'LOADED' }]);
    expect(audit.records).toHaveLength(2);
    expect(runners.runners).toHaveLength(1);
  });

  it('unloads in the background so UNLOADING is observable, releasing the runner and recording its figures', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A', { runner: { stop: 'hold', rssBytes: 1234 } });
    const runner = runners.latest();
    const unload = manager.unload(ui, 'A');
    await settle();
    expect(stateOf(manager.status(), 'A')).toBe('UNLOADING');
    expect(manager.describe('A')).toBeNull();
    runner.finishStop();
    expect((await unload).models).toEqual([]);
    expect(runner.ended).toBe('stop');
    const completed = audit.records.at(-1);
    expect(completed).toMatchObject({ reason: 'UNLOAD_COMPLETED', modelId: 'A', from: 'UNLOADING', to: 'IDLE' });
    expect(completed?.details).toMatchObject({ modelId: 'A', pid: runner.pid, runnerBefore: { rssBytes: 1234 }, exit: { code: 0 }, processGone: true });
  });

  it('holds a load of a model that is UNLOADING until the unload ends, then loads it again; cancel changes nothing', async () => {
    const { manager, runners, audit, statuses } = await createLoadedScenario('A', { runner: { stop: 'hold' } });
    const unload = manager.unload(ui, 'A');
    const second = outcomeOf(manager.unload(ui, 'A'));
    await settle();
    const before = { status: manager.status(), records: audit.records.length, seen: statuses.length };
    const unknown = await outcomeOf(manager.load('not-registered', ui));
    expect(isEaselError(unknown, 'NOT_FOUND')).toBe(true);
    const reload = manager.load('A', ui);
    await settle();
    expect(await manager.cancel(ui)).toMatchObject({ cancelled: false });
    expect({ status: manager.status(), records: audit.records.length }).toEqual({ status: before.status, records: before.records });
    for (const sent of statuses.slice(before.seen)) expect(sent).toEqual(before.status);
    expect(runners.runners).toHaveLength(1);
    runners.latest().finishStop();
    await unload;
    expect(((await second) as { resolved: ModelsStatus }).resolved.models).toEqual([]);
    await settle();
    expect(runners.runners).toHaveLength(2);
    runners.latest().complete();
    expect((await reload).models).toMatchObject([{ modelId: 'A', state: 'LOADED' }]);
    expect(audit.records.map((r) => r.reason).slice(2)).toEqual(['UNLOAD_REQUESTED', 'UNLOAD_COMPLETED', 'LOAD_REQUESTED', 'LOAD_COMPLETED']);
  });

  it('drops a load held behind an unload when another unload is asked for after it, answering CANCELLED', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A', { runner: { stop: 'hold' } });
    const first = manager.unload(ui, 'A');
    await settle();
    const held = outcomeOf(manager.load('A', ui));
    await settle();
    const second = manager.unload(ui, 'A');
    await settle();
    runners.latest().finishStop();
    expect((await first).models).toEqual([]);
    expect((await second).models).toEqual([]);
    const error = await held;
    expect(isEaselError(error, 'CANCELLED')).toBe(true);
    expect((error as Error).message).toBe('The load of "A" was cancelled by an unload request sent after it');
    await settle();
    expect(manager.status().models).toEqual([]);
    expect(runners.runners).toHaveLength(1);
    expect(audit.records.map((r) => r.reason).slice(2)).toEqual(['UNLOAD_REQUESTED', 'UNLOAD_COMPLETED']);
  });

  it('switches models under a one-model budget by evicting the loaded one first, inside the same command', async () => {
    const { manager, runners, audit } = await createLoadedScenario('A', { budget: { maxLoaded: 1 } });
    const first = runners.latest();
    const load = manager.load('B', ui);
    await settle();
    expect(first.ended).toBe('stop');
    runners.latest().complete();
    await load;
    expect(audit.records.map((r) => `${r.reason} ${r.modelId}`)).toEqual([
      'LOAD_REQUESTED A',
      'LOAD_COMPLETED A',
      'EVICTED A',
      'UNLOAD_COMPLETED A',
      'LOAD_REQUESTED B',
      'LOAD_COMPLETED B',
    ]);
    expect(audit.records[2]?.details).toMatchObject({ neededBy: 'B', maxLoaded: 1 });
    expect(chainProblems(audit.records)).toEqual([]);
    expect(runners.alive()).toEqual([runners.latest()]);
    expect(manager.status().models.map((m) => m.modelId)).toEqual(['B']);
  });

  it('records a failed load as ERROR with its cause, kills the runner, and lets a new load start from ERROR', async () => {
    const { manager, runners, audit } = createScenario();
    const load = outcomeOf(manager.load('A', ui));
    await settle();
    runners.latest().fail('unet/model.onnx: protobuf parsing failed');
    const error = await load;
    expect(isEaselError(error, 'LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toBe('Loading "A" failed: unet/model.onnx: protobuf parsing failed');
    expect(isEaselError((error as Error).cause, 'LOAD_FAILED')).toBe(true);
    expect(runners.latest().ended).toBe('kill');
    expect(manager.status().models).toMatchObject([{ state: 'ERROR', modelId: 'A', error: 'unet/model.onnx: protobuf parsing failed' }]);
    expect(audit.records.at(-1)).toMatchObject({ reason: 'LOAD_FAILED', error: 'unet/model.onnx: protobuf parsing failed' });

    const retry = manager.load('A', ui);
    await settle();
    runners.latest().complete();
    expect((await retry).models).toMatchObject([{ state: 'LOADED', modelId: 'A' }]);
    expect(audit.records.map((r) => `${r.from}→${r.to}`)).toEqual(['IDLE→LOADING', 'LOADING→ERROR', 'ERROR→LOADING', 'LOADING→LOADED']);
  });

  it('resets ERROR to IDLE on unload', async () => {
    const { manager, runners, audit } = createScenario();
    const load = outcomeOf(manager.load('A', ui));
    await settle();
    runners.latest().fail();
    await load;
    expect((await manager.unload(ui, 'A')).models).toEqual([]);
    expect(audit.records.at(-1)).toMatchObject({ reason: 'RESET_FROM_ERROR', from: 'ERROR', to: 'IDLE' });
  });

  it('records LOAD_FAILED when the runner process cannot even be started, and loads again afterwards', async () => {
    const { manager, runners, audit } = createScenario();
    const spawn = runners.spawn.bind(runners);
    runners.spawn = () => {
      throw new Error('spawn EAGAIN');
    };
    const error = await outcomeOf(manager.load('A', ui));
    expect(isEaselError(error, 'LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toContain('EAGAIN');
    expect(manager.status().models).toMatchObject([{ modelId: 'A', state: 'ERROR', error: expect.stringContaining('EAGAIN') }]);
    expect(audit.records.map((r) => r.reason)).toEqual(['LOAD_REQUESTED', 'LOAD_FAILED']);

    runners.spawn = spawn;
    const load = manager.load('A', ui);
    await settle();
    runners.latest().complete();
    expect((await load).models).toMatchObject([{ state: 'LOADED', modelId: 'A' }]);
  });

  it('kills a runner that cannot be stopped gracefully and still completes the unload', async () => {
    const { manager, audit, runners } = await createLoadedScenario('A', { runner: { stop: 'fail' } });
    const status = await manager.unload(ui, 'A');
    expect(status.models).toEqual([]);
    expect(runners.alive()).toHaveLength(0);
    expect(audit.records.map((r) => r.reason).slice(-2)).toEqual(['UNLOAD_REQUESTED', 'UNLOAD_COMPLETED']);
    expect(audit.records.at(-1)!.details).toMatchObject({ processGone: true, stopError: expect.any(String) });
  });

  it('takes every duration in the audit log from the injected clock', async () => {
    const { manager, runners, audit, clock } = createScenario();
    const load = manager.load('A', ui);
    await settle();
    clock.advance(2_500);
    runners.latest().complete();
    await load;
    clock.advance(60_000);
    await manager.unload(ui, 'A');
    clock.advance(1_000);
    const reload = manager.load('A', ui);
    await settle();
    runners.latest().complete();
    await reload;
    // A model's first state begins when the cache first meets it, at its first load.
    expect(audit.records.map((r) => [r.reason, r.durationMs])).toEqual([
      ['LOAD_REQUESTED', 0],
      ['LOAD_COMPLETED', 2_500],
      ['UNLOAD_REQUESTED', 60_000],
      ['UNLOAD_COMPLETED', 0],
      ['LOAD_REQUESTED', 1_000],
      ['LOAD_COMPLETED', 0],
    ]);
    expect(audit.records.map((r) => r.at.getTime() - audit.records[0]!.at.getTime())).toEqual([0, 2_500, 62_500, 62_500, 63_500, 63_500]);
  });

  it('tells subscribers every transition and the load progress in between', async () => {
    const { manager, runners, statuses } = createScenario();
    const load = manager.load('A', ui);
    await settle();
    runners.latest().progress(0);
    runners.latest().progress(1);
    runners.latest().complete();
    await load;
    await manager.unload(ui, 'A');
    // A transition and the bookkeeping after it may each send the same snapshot: count the changes, not the sends.
    const seen = statuses.map((s) => {
      const a = s.models.find((m) => m.modelId === 'A');
      return `${a?.state ?? 'IDLE'}${a?.loadProgress ? ` ${a.loadProgress.part} ${a.loadProgress.fraction}` : ''}`;
    });
    expect(seen.filter((entry, i) => entry !== seen[i - 1])).toEqual([
      'LOADING',
      'LOADING text_encoder 0.25',
      'LOADING unet 0.5',
      'LOADED',
      'UNLOADING',
      'IDLE',
    ]);
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const { manager, runners } = createScenario();
    const seen: string[] = [];
    const unsubscribe = manager.subscribe((status) => seen.push(stateOf(status, 'A')));
    const load = manager.load('A', ui);
    await settle();
    unsubscribe();
    runners.latest().complete();
    await load;
    expect(seen).toEqual(['LOADING']);
  });

  it('refuses a lifecycle command with BUSY when its queue is full', async () => {
    const { manager, runners } = createScenario({ queueLimit: 1 });
    const load = manager.load('A', ui);
    const error = await outcomeOf(manager.unload(ui, 'A'));
    expect(isEaselError(error, 'BUSY')).toBe(true);
    await settle();
    runners.latest().complete();
    expect((await load).models).toMatchObject([{ modelId: 'A', state: 'LOADED' }]);
  });

  it('changes the sampler of the loaded model only, answering NOT_LOADED otherwise', async () => {
    const idle = createScenario();
    expect(isEaselError(await outcomeOf(idle.manager.setSampler('euler')), 'NOT_LOADED')).toBe(true);
    const { manager } = await createLoadedScenario('A');
    await manager.setSampler('euler');
    expect(manager.describe('A')?.sampler).toBe('euler');
    expect(isEaselError(await outcomeOf(manager.setSampler('euler', 'B')), 'NOT_LOADED')).toBe(true);
  });

  it('refuses an action on the model that is loading, loaded or unloading with MODEL_IN_USE', async () => {
    const { manager, runners } = createScenario({ runner: { stop: 'hold' } });
    let ran = 0;
    const action = async () => {
      ran += 1;
    };
    const load = manager.load('A', ui);
    for (const expected of ['LOADING', 'LOADED', 'UNLOADING'] as const) {
      await settle();
      if (expected === 'LOADED') {
        runners.latest().complete();
        await load;
      }
      if (expected === 'UNLOADING') void manager.unload(ui, 'A');
      await settle();
      expect(stateOf(manager.status(), 'A')).toBe(expected);
      const error = await outcomeOf(manager.whileNotInUse('A', action));
      expect(isEaselError(error, 'MODEL_IN_USE')).toBe(true);
      expect((error as Error).message).toBe(`Model "A" is ${expected}; unload it first`);
      await expect(manager.whileNotInUse('B', action)).resolves.toBeUndefined();
    }
    expect(ran).toBe(3);
  });

  it('runs an action on a model in the command queue, after the commands sent before it', async () => {
    const { manager, runners } = createScenario();
    const order: string[] = [];
    const load = outcomeOf(manager.load('A', ui)).then(() => order.push('load answered'));
    const change = manager.whileNotInUse('B', async () => {
      order.push(`change runs while ${stateOf(manager.status(), 'A')}`);
      return 'changed';
    });
    expect(await change).toBe('changed');
    runners.latest().fail();
    await load;
    await expect(manager.whileNotInUse('A', async () => 'changed while ERROR')).resolves.toBe('changed while ERROR');
    expect(order).toEqual(['change runs while LOADING', 'load answered']);
  });
});
