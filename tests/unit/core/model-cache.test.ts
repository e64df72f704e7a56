// The model cache through its facade, over fake runners and a fake clock: eviction, leases, waiting for room,
// keep-alive, explicit unloads, re-loads of a leaving model, runner crashes, memory figures and audit failures.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { healthOf } from '../../../server/http/health.js';
import type { KeepAliveRequest } from '../../../server/core/model-manager.js';
import { createGenerationScenario } from '../../helpers/generation-scenario.js';
import { chainProblems } from '../../helpers/memory-audit-log.js';
import { createScenario, MODEL_PATHS, outcomeOf, runnerOf, settle, settleUntil, stateOf, type Scenario } from '../../helpers/scenario.js';

const ui = { actor: 'ui' } as const;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function state(scenario: Scenario, modelId: string): string {
  return stateOf(scenario.manager.status(), modelId);
}

/** Loads `modelId` and completes its runner's load. */
async function loadNow(scenario: Scenario, modelId: string, keepAlive?: KeepAliveRequest): Promise<void> {
  const load = scenario.manager.load(modelId, ui, keepAlive);
  await settleUntil(() => scenario.runners.loading()?.requests[0]?.modelPath === MODEL_PATHS[modelId] || state(scenario, modelId) === 'LOADED', `${modelId} loading`);
  scenario.runners.loading()?.complete();
  await load;
}

function reasons(scenario: Scenario, modelId?: string): string[] {
  return scenario.audit.records.filter((r) => modelId === undefined || r.modelId === modelId).map((r) => r.reason);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the model cache', () => {
  it('evicts the least recently used model when room is needed, audited as EVICTED naming who needed it and the figures', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 2, memoryBytes: 8 * GiB }, runner: { rssBytes: GiB } });
    await loadNow(scenario, 'A');
    scenario.clock.advance(1000);
    await loadNow(scenario, 'B');
    const runnerA = runnerOf(scenario, 'A');
    await loadNow(scenario, 'C');

    expect(state(scenario, 'A')).toBe('IDLE');
    expect(state(scenario, 'B')).toBe('LOADED');
    expect(state(scenario, 'C')).toBe('LOADED');
    expect(runnerA.ended).toBe('stop');
    const eviction = scenario.audit.records.find((r) => r.reason === 'EVICTED')!;
    expect(eviction).toMatchObject({ modelId: 'A', from: 'LOADED', to: 'UNLOADING', actor: 'system' });
    expect(eviction.details).toEqual({ neededBy: 'C', neededBytes: GiB, freedBytes: GiB, usedBytes: 2 * GiB, budgetBytes: 8 * GiB, maxLoaded: 2 });
    expect(reasons(scenario, 'A')).toEqual(['LOAD_REQUESTED', 'LOAD_COMPLETED', 'EVICTED', 'UNLOAD_COMPLETED']);
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('evicts by last use, not by load order: a model used since is kept', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 2 } });
    await loadNow(scenario, 'A');
    scenario.clock.advance(1000);
    await loadNow(scenario, 'B');
    scenario.clock.advance(1000);
    const lease = await scenario.manager.acquire('A', { context: ui });
    lease.release();
    await settleUntil(() => scenario.manager.mostRecentlyUsed() === 'A', 'A used last');
    await loadNow(scenario, 'C');
    expect([state(scenario, 'A'), state(scenario, 'B'), state(scenario, 'C')]).toEqual(['LOADED', 'IDLE', 'LOADED']);
  });

  it('never evicts a model under a lease: the next least recently used idle one goes instead', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 2 } });
    await loadNow(scenario, 'A');
    scenario.clock.advance(1000);
    await loadNow(scenario, 'B');
    const lease = await scenario.manager.acquire('A', { context: ui });
    await loadNow(scenario, 'C');
    expect([state(scenario, 'A'), state(scenario, 'B'), state(scenario, 'C')]).toEqual(['LOADED', 'IDLE', 'LOADED']);
    expect(runnerOf(scenario, 'A').alive).toBe(true);
    expect(lease.signal.aborted).toBe(false);
    lease.release();
  });

  it('makes a load wait while every resident model is leased, and admits it once a lease is released', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 1 } });
    await loadNow(scenario, 'A');
    const lease = await scenario.manager.acquire('A', { context: ui });
    let settled = false;
    const load = scenario.manager.load('B', ui).finally(() => (settled = true));
    for (let i = 0; i < 10; i += 1) await settle();
    expect(settled).toBe(false);
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(state(scenario, 'B')).toBe('IDLE');
    expect(scenario.runners.runners).toHaveLength(1);
    expect(scenario.logger.messages('info')).toContain('a load waits for room');

    lease.release();
    await settleUntil(() => scenario.runners.loading() !== undefined, 'B starts loading');
    expect(reasons(scenario, 'A').at(-2)).toBe('EVICTED');
    expect(runnerOf(scenario, 'A').alive).toBe(false);
    scenario.runners.loading()!.complete();
    await load;
    expect(state(scenario, 'B')).toBe('LOADED');
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('fails a load that waited EASEL_LOAD_TIMEOUT for room with INSUFFICIENT_MEMORY, explaining what holds the room', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 1 }, loadTimeoutMs: 60_000 });
    await loadNow(scenario, 'A');
    const lease = await scenario.manager.acquire('A', { context: ui });
    const load = outcomeOf(scenario.manager.load('B', ui));
    await settle();
    scenario.clock.advance(59_999);
    await settle();
    scenario.clock.advance(1);
    const error = (await load) as Error;
    expect(isEaselError(error, 'INSUFFICIENT_MEMORY')).toBe(true);
    expect(error.message).toContain('"B" waited 60 s (EASEL_LOAD_TIMEOUT)');
    expect(error.message).toContain('A (loaded');
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(reasons(scenario, 'B')).toEqual([]);
    lease.release();
    await settleUntil(() => scenario.manager.status().models[0]?.expiresAt !== null, 'A idle again');
    expect(scenario.runners.runners).toHaveLength(1);
  });

  it('cancels a load that waits for room on models.cancel, changing nothing else', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 1 } });
    await loadNow(scenario, 'A');
    const lease = await scenario.manager.acquire('A', { context: ui });
    const load = outcomeOf(scenario.manager.load('B', ui));
    await settleUntil(() => scenario.logger.messages('info').includes('a load waits for room'), 'B waiting');
    const { cancelled } = await scenario.manager.cancel(ui, 'B');
    expect(cancelled).toBe(true);
    const error = (await load) as Error;
    expect(isEaselError(error, 'CANCELLED')).toBe(true);
    expect(error.message).toContain('while it waited for memory');
    lease.release();
    for (let i = 0; i < 10; i += 1) await settle();
    expect([state(scenario, 'A'), state(scenario, 'B')]).toEqual(['LOADED', 'IDLE']);
    expect(scenario.runners.runners).toHaveLength(1);
  });

  it('fails a load still running after EASEL_LOAD_TIMEOUT with LOAD_FAILED and kills its runner', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const scenario = createScenario({ loadTimeoutMs: 5000 });
    const load = outcomeOf(scenario.manager.load('A', ui));
    await settleUntil(() => scenario.runners.loading() !== undefined, 'A loading');
    const runner = scenario.runners.latest();
    await vi.advanceTimersByTimeAsync(4999);
    expect(state(scenario, 'A')).toBe('LOADING');
    await vi.advanceTimersByTimeAsync(1);
    const error = (await load) as Error;
    expect(isEaselError(error, 'LOAD_FAILED')).toBe(true);
    expect(error.message).toMatch(/longer than 5 s \(EASEL_LOAD_TIMEOUT\)/);
    expect(runner.ended).toBe('kill');
    expect(state(scenario, 'A')).toBe('ERROR');
    expect(scenario.manager.status().memoryUsedBytes).toBe(0);
  });

  it('refuses at once a model bigger than the whole budget with INSUFFICIENT_MEMORY naming the figures, changing nothing', async () => {
    const scenario = createScenario({ budget: { memoryBytes: 4 * GiB }, estimates: { '/models/a': 6 * GiB } });
    const error = (await outcomeOf(scenario.manager.load('A', ui))) as Error;
    expect(isEaselError(error, 'INSUFFICIENT_MEMORY')).toBe(true);
    expect(error.message).toMatch(/6\.00 GiB.*4\.00 GiB/);
    expect(scenario.audit.records).toEqual([]);
    expect(scenario.runners.runners).toEqual([]);
  });

  it('unloads an idle model as KEEP_ALIVE_EXPIRED once its keep-alive runs out', async () => {
    const scenario = createScenario({ keepAlive: { defaultSeconds: 60 } });
    await loadNow(scenario, 'A');
    expect(scenario.manager.status().models[0]!.expiresAt).toEqual(new Date(scenario.clock.now().getTime() + 60_000));
    scenario.clock.advance(59_999);
    await settle();
    expect(state(scenario, 'A')).toBe('LOADED');
    scenario.clock.advance(1);
    await settleUntil(() => state(scenario, 'A') === 'IDLE', 'A expired');
    const expiry = scenario.audit.records.find((r) => r.reason === 'KEEP_ALIVE_EXPIRED')!;
    expect(expiry).toMatchObject({ modelId: 'A', from: 'LOADED', to: 'UNLOADING', actor: 'system', details: { keepAlive: 60, idleMs: 60_000 } });
    expect(runnerOf(scenario, 'A').ended).toBe('stop');
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('resets the expiry with each job: a lease held then released starts the keep-alive again', async () => {
    const scenario = createScenario({ keepAlive: { defaultSeconds: 60 } });
    await loadNow(scenario, 'A');
    scenario.clock.advance(50_000);
    const lease = await scenario.manager.acquire('A', { context: ui });
    expect(scenario.manager.status().models[0]!.expiresAt).toBeNull();
    scenario.clock.advance(30_000);
    await settle();
    expect(state(scenario, 'A')).toBe('LOADED');
    lease.release();
    await settleUntil(() => scenario.manager.status().models[0]!.expiresAt !== null, 'A idle');
    const releasedAt = scenario.clock.now().getTime();
    expect(scenario.manager.status().models[0]!.expiresAt).toEqual(new Date(releasedAt + 60_000));
    scenario.clock.advance(59_000);
    await settle();
    expect(state(scenario, 'A')).toBe('LOADED');
    scenario.clock.advance(1000);
    await settleUntil(() => state(scenario, 'A') === 'IDLE', 'A expired');
  });

  it('with keepAlive 0, unloads the model once the last lease is released, not before', async () => {
    const scenario = createScenario();
    const first = scenario.manager.acquire('A', { context: ui, keepAlive: { seconds: 0, role: 'user' } });
    await settleUntil(() => scenario.runners.loading() !== undefined, 'A loading');
    scenario.runners.loading()!.complete();
    const leaseOne = await first;
    const leaseTwo = await scenario.manager.acquire('A', { context: ui });
    expect(scenario.manager.status().models[0]!.keepAlive).toBe(1800);
    // A user can't shorten the server default: an admin's 0 is what counts.
    await scenario.manager.load('A', ui, { seconds: 0, role: 'admin' });
    leaseOne.release();
    await settle();
    scenario.clock.advance(0);
    await settle();
    expect(state(scenario, 'A')).toBe('LOADED');
    leaseTwo.release();
    await settle();
    scenario.clock.advance(0);
    await settleUntil(() => state(scenario, 'A') === 'IDLE', 'A unloaded after its last lease');
    expect(reasons(scenario, 'A')).toContain('KEEP_ALIVE_EXPIRED');
  });

  it('never expires a model kept with -1', async () => {
    const scenario = createScenario({ keepAlive: { defaultSeconds: 60 } });
    await loadNow(scenario, 'A', { seconds: -1, role: 'admin' });
    scenario.clock.advance(365 * 86_400_000);
    await settle();
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(scenario.manager.status().models[0]!.expiresAt).toBeNull();
  });

  it('on an explicit unload, aborts the leases and waits for their release before unloading', async () => {
    const scenario = createScenario();
    await loadNow(scenario, 'A');
    const lease = await scenario.manager.acquire('A', { context: ui });
    let unloaded = false;
    const unload = scenario.manager.unload(ui, 'A').finally(() => (unloaded = true));
    await settleUntil(() => lease.signal.aborted, 'the lease revoked');
    expect(isEaselError(lease.signal.reason, 'CANCELLED')).toBe(true);
    expect((lease.signal.reason as Error).message).toBe('The model "A" was unloaded by request');
    for (let i = 0; i < 10; i += 1) await settle();
    expect(unloaded).toBe(false);
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(runnerOf(scenario, 'A').alive).toBe(true);
    lease.release();
    await unload;
    expect(state(scenario, 'A')).toBe('IDLE');
    expect(runnerOf(scenario, 'A').alive).toBe(false);
    expect(reasons(scenario, 'A').slice(-2)).toEqual(['UNLOAD_REQUESTED', 'UNLOAD_COMPLETED']);
  });

  it('on an explicit unload, cancels the jobs running and queued on the model, saying why', async () => {
    const scenario = await createGenerationScenario();
    await scenario.queue.start({ prompt: 'a fox', steps: 4 }, { actor: 'ui', ownerRole: 'local', ownerId: null });
    await scenario.queue.start({ prompt: 'a hen', steps: 4 }, { actor: 'ui', ownerRole: 'local', ownerId: null });
    await settleUntil(() => scenario.runner().generating !== undefined, 'job-1 running');
    await scenario.manager.unload(ui, 'A');
    expect(stateOf(scenario.manager.status(), 'A')).toBe('IDLE');
    for (const id of ['job-1', 'job-2']) {
      await settleUntil(() => scenario.events(id).some((e) => e.status === 'cancelled'), `${id} cancelled`);
      expect(scenario.events(id).at(-1)).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: 'The model "A" was unloaded by request' } });
    }
    expect(scenario.runner().alive).toBe(false);
  });

  it('loads a model again when asked while it is being unloaded, once the unload ends (no deadlock)', async () => {
    const scenario = createScenario({ runner: { stop: 'hold' } });
    await loadNow(scenario, 'A');
    const first = runnerOf(scenario, 'A');
    const unload = scenario.manager.unload(ui, 'A');
    await settleUntil(() => state(scenario, 'A') === 'UNLOADING', 'A unloading');
    const load = scenario.manager.load('A', ui);
    for (let i = 0; i < 10; i += 1) await settle();
    expect(scenario.runners.runners).toHaveLength(1);
    first.finishStop();
    await unload;
    await settleUntil(() => scenario.runners.loading() !== undefined, 'A loading again');
    scenario.runners.loading()!.complete();
    await load;
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(reasons(scenario, 'A')).toEqual(['LOAD_REQUESTED', 'LOAD_COMPLETED', 'UNLOAD_REQUESTED', 'UNLOAD_COMPLETED', 'LOAD_REQUESTED', 'LOAD_COMPLETED']);
  });

  it('loads a model again when asked while it is being evicted, evicting another in turn (no deadlock)', async () => {
    const scenario = createScenario({ budget: { maxLoaded: 2 }, runner: { stop: 'hold' } });
    await loadNow(scenario, 'A');
    scenario.clock.advance(1000);
    await loadNow(scenario, 'B');
    const loadC = scenario.manager.load('C', ui);
    await settleUntil(() => state(scenario, 'A') === 'UNLOADING', 'A evicted');
    const loadA = scenario.manager.load('A', ui);
    runnerOf(scenario, 'A').finishStop();
    await settleUntil(() => state(scenario, 'C') === 'LOADING', 'C loading');
    await settleUntil(() => state(scenario, 'B') === 'UNLOADING', 'B evicted for A');
    runnerOf(scenario, 'B').finishStop();
    await settleUntil(() => state(scenario, 'A') === 'LOADING', 'A loading again');
    runnerOf(scenario, 'C').complete();
    runnerOf(scenario, 'A').complete();
    await Promise.all([loadA, loadC]);
    expect([state(scenario, 'A'), state(scenario, 'B'), state(scenario, 'C')]).toEqual(['LOADED', 'IDLE', 'LOADED']);
    expect(scenario.audit.records.filter((r) => r.reason === 'EVICTED').map((r) => [r.modelId, r.details?.neededBy])).toEqual([
      ['A', 'C'],
      ['B', 'A'],
    ]);
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('moves a model whose runner crashed to ERROR while the other models keep serving', async () => {
    const scenario = createScenario();
    await loadNow(scenario, 'A');
    await loadNow(scenario, 'B');
    runnerOf(scenario, 'A').crash();
    await settleUntil(() => state(scenario, 'A') === 'ERROR', 'A in ERROR');
    expect(scenario.manager.status().models.find((m) => m.modelId === 'A')!.error).toMatch(/stopped unexpectedly \(signal SIGSEGV\)/);
    expect(scenario.audit.records.at(-1)).toMatchObject({ modelId: 'A', reason: 'RUNNER_CRASHED', to: 'ERROR' });
    expect(state(scenario, 'B')).toBe('LOADED');

    const lease = await scenario.manager.acquire('B', { context: ui });
    const result = await lease.generate({ jobId: 'j', prompt: 'a fox', negativePrompt: '', sampler: 'DDIM', steps: 2, guidance: 7.5, seed: 1, width: 64, height: 64, outputPath: '/tmp/j.png', previewEvery: 0 }, {});
    expect(result.outputPath).toBe('/tmp/j.png');
    lease.release();
    // A model in ERROR holds no memory: only B counts.
    expect(scenario.manager.status().memoryUsedBytes).toBe(scenario.runners.options.rssBytes);

    await loadNow(scenario, 'A');
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('replaces the estimate with the measured memory once loaded, records it, and uses it for the next load', async () => {
    const scenario = createScenario({ estimates: { '/models/a': 3 * GiB }, runner: { rssBytes: 700 * MiB } });
    const load = scenario.manager.load('A', ui);
    await settleUntil(() => scenario.runners.loading() !== undefined, 'A loading');
    expect(scenario.manager.status().models[0]).toMatchObject({ state: 'LOADING', memoryBytes: 3 * GiB, memorySource: 'estimated' });
    expect(scenario.manager.status().memoryUsedBytes).toBe(3 * GiB);
    scenario.runners.loading()!.complete();
    await load;
    expect(scenario.manager.status().models[0]).toMatchObject({ state: 'LOADED', memoryBytes: 700 * MiB, memorySource: 'measured' });
    expect(scenario.manager.status().memoryUsedBytes).toBe(700 * MiB);
    expect(scenario.models.measured.get('A')).toBe(700 * MiB);
    expect(scenario.audit.records.find((r) => r.reason === 'LOAD_COMPLETED')!.details).toMatchObject({ estimatedBytes: 3 * GiB, memoryBytes: 700 * MiB, memorySource: 'measured' });

    await scenario.manager.unload(ui, 'A');
    await loadNow(scenario, 'A');
    expect(scenario.audit.records.filter((r) => r.reason === 'LOAD_REQUESTED').at(-1)!.details).toEqual({ estimatedBytes: 700 * MiB, memorySource: 'measured' });
  });

  it('measures a model again after its first job and keeps the larger figure, recorded for the next load', async () => {
    const scenario = createScenario({ estimates: { '/models/a': GiB }, runner: { rssBytes: 700 * MiB } });
    await loadNow(scenario, 'A');
    const runner = scenario.runners.latest();
    let lease = await scenario.manager.acquire('A', { context: ui });
    runner.rssBytes = 1200 * MiB;
    lease.release();
    await settleUntil(() => scenario.manager.status().models[0]?.memoryBytes === 1200 * MiB, 'A measured again');
    expect(scenario.manager.status().models[0]).toMatchObject({ memoryBytes: 1200 * MiB, memorySource: 'measured' });
    expect(scenario.models.measured.get('A')).toBe(1200 * MiB);
    // Once per load: later jobs don't measure again.
    lease = await scenario.manager.acquire('A', { context: ui });
    runner.rssBytes = 2000 * MiB;
    lease.release();
    await settle();
    await settle();
    expect(scenario.manager.status().models[0]!.memoryBytes).toBe(1200 * MiB);
  });

  it('evicts idle models when a load measures more than its estimate and the total passes the budget', async () => {
    const scenario = createScenario({
      budget: { memoryBytes: 3 * GiB, maxLoaded: 3 },
      estimates: { '/models/a': GiB, '/models/b': GiB },
      runner: { rssBytes: 1.75 * GiB },
    });
    await loadNow(scenario, 'A');
    expect(scenario.manager.status().memoryUsedBytes).toBe(1.75 * GiB);
    // B is admitted on its estimate (1.75 + 1 GiB fit in 3 GiB) but measures 1.75 GiB once loaded.
    await loadNow(scenario, 'B');
    expect(scenario.manager.status().memoryUsedBytes).toBeLessThanOrEqual(3 * GiB);
    expect([state(scenario, 'A'), state(scenario, 'B')]).toEqual(['IDLE', 'LOADED']);
    const eviction = scenario.audit.records.find((r) => r.reason === 'EVICTED')!;
    expect(eviction).toMatchObject({ modelId: 'A', details: { neededBy: 'B', neededBytes: 1.75 * GiB, usedBytes: 3.5 * GiB, budgetBytes: 3 * GiB } });
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('refuses a requested transition whose audit row cannot be written, leaving the state as it was, and reports degraded health', async () => {
    const scenario = createScenario();
    await loadNow(scenario, 'A');
    expect(scenario.manager.health()).toEqual({ degraded: null, pending: 0 });
    scenario.audit.failWith(new Error('SQLITE_READONLY: attempt to write a readonly database'));

    const unload = (await outcomeOf(scenario.manager.unload(ui, 'A'))) as Error;
    expect(isEaselError(unload, 'INTERNAL')).toBe(true);
    expect(unload.message).toMatch(/UNLOAD_REQUESTED of "A" was refused because the audit log can't be written .*readonly.*nothing changed/);
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(runnerOf(scenario, 'A').alive).toBe(true);

    const load = (await outcomeOf(scenario.manager.load('B', ui))) as Error;
    expect(isEaselError(load, 'INTERNAL')).toBe(true);
    expect(state(scenario, 'B')).toBe('IDLE');
    expect(scenario.runners.runners).toHaveLength(1);
    expect(scenario.manager.health().degraded).toMatch(/readonly database/);
    expect(healthOf({ manager: scenario.manager })).toEqual({
      ok: false,
      degraded: expect.stringMatching(/audit log could not be written.*readonly database/),
      models: [{ modelId: 'A', state: 'LOADED' }],
    });

    scenario.audit.failWith(null);
    await scenario.manager.unload(ui, 'A');
    expect(state(scenario, 'A')).toBe('IDLE');
    expect(scenario.manager.health()).toEqual({ degraded: null, pending: 0 });
    expect(healthOf({ manager: scenario.manager })).toEqual({ ok: true, models: [] });
    expect(chainProblems(scenario.audit.records)).toEqual([]);
  });

  it('unloads again once the audit log is back, after an unload that waited for a job was refused', async () => {
    const scenario = createScenario();
    await loadNow(scenario, 'A');
    const lease = await scenario.manager.acquire('A', { context: ui });
    scenario.audit.failWith(new Error('disk I/O error'));
    const refused = outcomeOf(scenario.manager.unload(ui, 'A'));
    await settleUntil(() => lease.signal.aborted, 'the lease revoked');
    lease.release();
    expect(isEaselError(await refused, 'INTERNAL')).toBe(true);
    expect(state(scenario, 'A')).toBe('LOADED');
    expect(scenario.manager.status().models[0]!.expiresAt).not.toBeNull();
    scenario.audit.failWith(null);
    await scenario.manager.unload(ui, 'A');
    expect(state(scenario, 'A')).toBe('IDLE');
    expect(runnerOf(scenario, 'A').alive).toBe(false);
  });

  it('retries a keep-alive unload refused by the audit log later, not at once in a loop', async () => {
    const scenario = createScenario({ keepAlive: { defaultSeconds: 60 } });
    await loadNow(scenario, 'A');
    scenario.audit.failWith(new Error('disk I/O error'));
    scenario.clock.advance(60_000);
    await settleUntil(() => scenario.logger.messages('error').includes('keep-alive unload failed'), 'the refused expiry');
    for (let i = 0; i < 5; i += 1) {
      scenario.clock.advance(0);
      await settle();
    }
    expect(scenario.logger.messages('error').filter((m) => m === 'keep-alive unload failed')).toHaveLength(1);
    expect(state(scenario, 'A')).toBe('LOADED');
    scenario.audit.failWith(null);
    scenario.clock.advance(10_000);
    await settleUntil(() => state(scenario, 'A') === 'IDLE', 'A expired on the retry');
    expect(reasons(scenario, 'A').slice(-2)).toEqual(['KEEP_ALIVE_EXPIRED', 'UNLOAD_COMPLETED']);
  });

  it('keeps a fact (a runner crash) whose audit row fails, still changing the state, and reports degraded until it is written', async () => {
    const scenario = createScenario();
    await loadNow(scenario, 'A');
    scenario.audit.failWith(new Error('disk I/O error'));
    runnerOf(scenario, 'A').crash();
    await settleUntil(() => state(scenario, 'A') === 'ERROR', 'A in ERROR');
    expect(scenario.manager.health()).toMatchObject({ degraded: expect.stringContaining('disk I/O error'), pending: 1 });
    scenario.audit.failWith(null);
    await expect.poll(() => scenario.manager.health().pending, { timeout: 5000 }).toBe(0);
    expect(scenario.manager.health().degraded).toBeNull();
    expect(scenario.audit.records.at(-1)).toMatchObject({ reason: 'RUNNER_CRASHED', modelId: 'A' });
  });
});
