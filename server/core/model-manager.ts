// The facade every client goes through, and the one owner of every runner: a cache of resident models under a
// memory budget and a count limit, each with its own state machine, loader and pipeline. Lifecycle commands are
// serialized in one queue; jobs hold leases; idle models are evicted least recently used first and unloaded when
// their keep-alive runs out. The residency policy decides, the facade carries the decisions out.
import { CommandQueue } from './command-queue.js';
import { EaselError, toEaselError } from './errors.js';
import { AuditWriter, type AuditHealth } from './lifecycle/audit-writer.js';
import { StateMachine, type ModelStatus, type TransitionContext } from './lifecycle/state-machine.js';
import { Loader, releaseDetails, residentBytes } from './loader.js';
import { Lease } from './lease.js';
import { PipelineHolder, type LoadedPipeline } from './pipeline-holder.js';
import { memoryWithin, ResourceReleaser } from './resource-releaser.js';
import { ResidentModel } from './resident-model.js';
import { mergeKeepAlive } from './keep-alive.js';
import { RoomWaiters, type RoomWaiter } from './room-waiters.js';
import { abortable, reasonOf } from './abortable.js';
import { residentStatusOf } from './resident-status.js';
import type { JobsPort, KeepAliveRequest, ModelsStatus, ResidentStatus, Timers } from './model-cache-types.js';
import { decide, evictionOrder, expired, expiresAt, usedBytes, type Budget } from './residency-policy.js';

export type { JobsPort, KeepAliveRequest, ModelsStatus, ResidentStatus, Timers };
import type { AuditLog, Clock, DevicePreference, LoadedModel, Logger, MemoryEstimator, ModelLookup, RegisteredModel, RunnerFactory } from './ports.js';
import type { ModelState } from './lifecycle/transitions.js';

export interface ModelManagerDeps {
  runners: RunnerFactory;
  audit: AuditLog;
  models: ModelLookup;
  estimator: MemoryEstimator;
  device: DevicePreference;
  defaultSampler: string;
  logger: Logger;
  budget: Budget;
  keepAlive: { defaultSeconds: number; maxSeconds: number | null };
  /** A load still running after this long fails; also how long a load waits for room. */
  loadTimeoutMs: number;
  clock?: Clock;
  timers?: Timers;
  releaser?: ResourceReleaser;
  queueLimit?: number;
}

const systemClock: Clock = { now: () => new Date() };
const realTimers: Timers = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
const noJobs: JobsPort = { countsFor: () => ({ running: 0, queued: 0, pinning: 0 }), cancelFor: () => undefined };
const SYSTEM: TransitionContext = { actor: 'system' };
/** How long a runner may take to say how much memory it holds. */
const MEMORY_QUERY_MS = 2000;
/** How soon a keep-alive unload refused by the audit log is tried again (not at once: that would spin). */
const EXPIRY_RETRY_MS = 5000;

export class ModelManager {
  private readonly queue: CommandQueue;
  private readonly audit: AuditWriter;
  private readonly releaser: ResourceReleaser;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly residents = new Map<string, ResidentModel>();
  private readonly listeners = new Set<(status: ModelsStatus) => void>();
  private readonly waiters: RoomWaiters;
  /** Unload requests per model: a load that waited for an unload to end yields to an unload asked for after it. */
  private readonly unloadRequests = new Map<string, number>();
  private jobs: JobsPort = noJobs;
  private expiryTimer: unknown = null;
  private closed = false;

  constructor(private readonly deps: ModelManagerDeps) {
    this.queue = new CommandQueue(deps.queueLimit);
    this.clock = deps.clock ?? systemClock;
    this.timers = deps.timers ?? realTimers;
    this.waiters = new RoomWaiters(this.timers);
    this.audit = new AuditWriter(deps.audit, deps.logger);
    this.releaser = deps.releaser ?? new ResourceReleaser(deps.logger);
  }

  /** The job queue introduces itself once, so the facade can count and cancel jobs per model. */
  attachJobs(jobs: JobsPort): void {
    this.jobs = jobs;
  }

  /** Recovers from a crash: each model left in a state other than IDLE becomes IDLE, recorded. */
  start(): Promise<void> {
    return this.queue.run(async () => {
      for (const last of await this.deps.audit.lastPerModel()) {
        if (last.to === 'IDLE' || last.modelId === null) continue;
        const resident = this.resident(last.modelId);
        resident.machine.restore(last);
        await resident.machine.apply('RECOVERED_AFTER_RESTART', SYSTEM);
      }
    });
  }

  status(): ModelsStatus {
    const models: ResidentStatus[] = [];
    for (const resident of this.residents.values()) {
      if (resident.machine.state === 'IDLE') continue;
      models.push(this.residentStatus(resident));
    }
    models.sort((a, b) => a.modelId.localeCompare(b.modelId));
    return {
      models,
      maxLoaded: this.deps.budget.maxLoaded,
      memoryBudgetBytes: this.deps.budget.memoryBytes,
      memoryUsedBytes: usedBytes(this.views()),
    };
  }

  /** The state of one model (IDLE when it was never loaded). */
  modelState(modelId: string): ModelState {
    return this.residents.get(modelId)?.machine.state ?? 'IDLE';
  }

  health(): AuditHealth {
    return this.audit.health();
  }

  /** Calls `listener` on every change (transitions, load progress, job counts). Returns the unsubscribe. */
  subscribe(listener: (status: ModelsStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The job queue's counts changed: re-evaluate waiting loads and keep-alive deadlines, tell subscribers. */
  jobsChanged(): void {
    this.afterChange();
  }

  /** The most recently used model that is loaded, for a job that names none. */
  mostRecentlyUsed(): string | null {
    let best: ResidentModel | null = null;
    for (const resident of this.residents.values()) {
      if (resident.machine.state !== 'LOADED') continue;
      if (!best || resident.lastUsedMs > best.lastUsedMs) best = resident;
    }
    return best?.modelId ?? null;
  }

  /** What is loaded for `modelId` (default: the most recently used): configs, tensor contract, sampler. */
  describe(modelId?: string): Omit<LoadedPipeline, 'runner' | 'epoch'> | null {
    const id = modelId ?? this.mostRecentlyUsed();
    const pipeline = id ? this.residents.get(id)?.holder.get() : null;
    if (!pipeline) return null;
    const { runner: _runner, epoch: _epoch, ...rest } = pipeline;
    return rest;
  }

  setSampler(sampler: string, modelId?: string): Promise<void> {
    return this.queue.run(() => {
      const id = modelId ?? this.mostRecentlyUsed();
      const resident = id ? this.residents.get(id) : undefined;
      if (!resident?.holder.get()) throw new EaselError('NOT_LOADED', modelId ? `"${modelId}" is not loaded` : 'No model is loaded; load one first (models.load)');
      resident.holder.setSampler(sampler);
    });
  }

  /**
   * Resolves once `modelId` is LOADED, evicting idle models to make room or waiting for room (up to the load
   * timeout). The same model asked for again joins the load in flight.
   */
  async load(modelId: string, context: TransitionContext, keepAlive?: KeepAliveRequest): Promise<ModelsStatus> {
    let unloadsSeen: number | null = null;
    for (;;) {
      const step = await this.queue.run(() => {
        const unloads = this.unloadRequests.get(modelId) ?? 0;
        if (unloadsSeen !== null && unloads !== unloadsSeen) {
          throw new EaselError('CANCELLED', `The load of "${modelId}" was cancelled by an unload request sent after it`, { details: { modelId } });
        }
        unloadsSeen = unloads;
        return this.beginLoad(modelId, context, keepAlive);
      });
      await step.done;
      if (step.settled) return this.status();
    }
  }

  /**
   * A lease on `modelId`, loading it first when it is not resident. While the lease is held the model is neither
   * unloaded nor evicted. Rejects CANCELLED when `signal` aborts while waiting.
   */
  async acquire(modelId: string, options: { context: TransitionContext; keepAlive?: KeepAliveRequest; signal?: AbortSignal }): Promise<Lease> {
    const { context, keepAlive, signal } = options;
    const resident = await this.queue.run(async () => {
      if (!this.residents.has(modelId) && !(await this.deps.models.find(modelId))) throw this.notFound(modelId);
      const r = this.resident(modelId);
      r.pendingAcquires += 1;
      return r;
    });
    let counted = true;
    let joined: RoomWaiter | undefined;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const step = await this.queue.run(async () => {
          if (resident.machine.state === 'LOADED' && !resident.unloadWhenFree) {
            resident.pendingAcquires -= 1;
            counted = false;
            if (keepAlive) this.applyKeepAlive(resident, keepAlive);
            const lease = new Lease(resident.holder.get()!, (l) => this.releaseLease(resident, l));
            resident.leases.add(lease);
            this.afterChange();
            return { lease };
          }
          const begun = await this.beginLoad(modelId, context, keepAlive);
          return { wait: begun.done, waiter: begun.waiter };
        });
        if (step.lease) return step.lease;
        joined = step.waiter;
        await abortable(step.wait!, signal);
      }
    } catch (error) {
      if (signal?.aborted && joined) this.withdraw(joined);
      throw signal?.aborted ? new EaselError('CANCELLED', reasonOf(signal)) : error;
    } finally {
      if (counted) {
        void this.queue.run(() => {
          resident.pendingAcquires -= 1;
          this.afterChange();
        });
      }
    }
  }

  /**
   * Unloads `modelId` (every resident model when omitted): cancels a load in flight, resets ERROR, and for a
   * loaded model cancels its jobs and waits for their leases before unloading. Resolves once they are IDLE.
   */
  async unload(context: TransitionContext, modelId?: string): Promise<ModelsStatus> {
    const dones = await this.queue.run(async () => {
      if (modelId !== undefined && !this.residents.has(modelId) && !(await this.deps.models.find(modelId))) throw this.notFound(modelId);
      const targets = modelId !== undefined ? [this.resident(modelId)] : [...this.residents.values()];
      const pending: Array<Promise<unknown>> = [];
      for (const resident of targets) pending.push((await this.beginUnload(resident, context)).done);
      return { all: Promise.all(pending) };
    });
    await dones.all;
    return this.status();
  }

  /** Cancels the load in flight of `modelId` (of every loading model when omitted). */
  cancel(context: TransitionContext, modelId?: string): Promise<{ cancelled: boolean; status: ModelsStatus }> {
    return this.queue.run(async () => {
      let cancelled = false;
      for (const resident of this.residents.values()) {
        if (modelId !== undefined && resident.modelId !== modelId) continue;
        cancelled = (await resident.loader.cancel(context, `The load of "${resident.modelId}" was cancelled`)) || cancelled;
      }
      for (const waiter of this.waiters.all()) {
        if (modelId !== undefined && waiter.modelId !== modelId) continue;
        this.waiters.drop(waiter, new EaselError('CANCELLED', `The load of "${waiter.modelId}" was cancelled while it waited for memory`));
        cancelled = true;
      }
      this.afterChange();
      return { cancelled, status: this.status() };
    });
  }

  /**
   * Runs `action` in the command queue unless `modelId` is loading, loaded or unloading (MODEL_IN_USE), so a
   * registry change can't race a load of the same model.
   */
  whileNotInUse<T>(modelId: string, action: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const state = this.modelState(modelId);
      if (state === 'LOADING' || state === 'LOADED' || state === 'UNLOADING') {
        throw new EaselError('MODEL_IN_USE', `Model "${modelId}" is ${state}; unload it first`);
      }
      return action();
    });
  }

  /** Unloads every idle model whose keep-alive ran out. Runs on a timer; tests with a fake clock call it. */
  sweepExpired(): Promise<void> {
    return this.queue.run(() => this.unloadExpired());
  }

  /** Graceful stop: waiting loads are refused, loads cancelled, models released, the audit log flushed. */
  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.expiryTimer !== null) this.timers.clear(this.expiryTimer);
    await this.queue.run(async () => {
      for (const waiter of this.waiters.all()) this.waiters.drop(waiter, new EaselError('CANCELLED', 'The server is shutting down'));
      for (const resident of this.residents.values()) {
        await resident.loader.cancel(SYSTEM, 'The server is shutting down');
        if (resident.machine.state === 'LOADED') await this.unloadInline(resident, 'UNLOAD_REQUESTED', SYSTEM, null);
      }
    });
    await Promise.all([...this.residents.values()].map((r) => r.unloading?.catch(() => undefined)));
    await this.audit.drain(5000);
  }

  // --- commands (run inside the queue) ---

  /** `settled`: the model is LOADED once `done` resolves; otherwise ask again then (it was unloading). */
  private async beginLoad(modelId: string, context: TransitionContext, keepAlive?: KeepAliveRequest): Promise<{ done: Promise<unknown>; settled: boolean; waiter?: RoomWaiter }> {
    const known = this.residents.get(modelId);
    if (known) {
      if (keepAlive) this.applyKeepAlive(known, keepAlive);
      const state = known.machine.state;
      if (state === 'LOADED' && !known.unloadWhenFree) {
        known.lastUsedMs = this.clock.now().getTime();
        this.afterChange();
        return { done: Promise.resolve(), settled: true };
      }
      const joined = known.loader.join();
      if (joined) return { done: joined, settled: true };
      // Being unloaded or evicted: wait for that to end, then load again (never a deadlock on a leaving model).
      if (known.unloading) return { done: known.unloading.catch(() => undefined), settled: false };
      const waiting = this.waiters.find(modelId);
      if (waiting) {
        waiting.holders += 1;
        return { done: waiting.promise, settled: true, waiter: waiting };
      }
    }
    const model = await this.deps.models.find(modelId);
    if (!model) throw this.notFound(modelId);
    const resident = this.resident(modelId);
    if (keepAlive) this.applyKeepAlive(resident, keepAlive);
    resident.memory = await this.memoryFigure(model);
    const decision = decide(this.views(), this.deps.budget, { modelId, memoryBytes: resident.memory.bytes });
    if (decision.kind === 'refuse') throw new EaselError('INSUFFICIENT_MEMORY', decision.why, { details: { neededBytes: resident.memory.bytes, budgetBytes: this.deps.budget.memoryBytes } });
    if (decision.kind === 'wait') {
      this.deps.logger.info('a load waits for room', { modelId, why: decision.why });
      const waiter = this.addWaiter(modelId, context);
      return { done: waiter.promise, settled: true, waiter };
    }
    const { done } = await this.admit(resident, model, context, decision.evict, decision.usedBytes);
    return { done, settled: true };
  }

  // Commands that start background work return it in a wrapper: an async function returning a bare promise would
  // adopt it and hold the queue until the work ended, while that end is itself queued.

  /** Evicts what the policy chose, then starts the load. */
  private async admit(resident: ResidentModel, model: RegisteredModel, context: TransitionContext, evict: string[], usedBefore: number): Promise<{ done: Promise<ModelStatus> }> {
    for (const victimId of evict) {
      const victim = this.residents.get(victimId)!;
      const details = {
        neededBy: model.id,
        neededBytes: resident.memory!.bytes,
        freedBytes: victim.memory?.bytes ?? 0,
        usedBytes: usedBefore,
        budgetBytes: this.deps.budget.memoryBytes,
        maxLoaded: this.deps.budget.maxLoaded,
      };
      await this.unloadInline(victim, 'EVICTED', { ...context, actor: 'system' }, details);
    }
    await resident.machine.apply('LOAD_REQUESTED', context, { details: { estimatedBytes: resident.memory!.bytes, memorySource: resident.memory!.source } });
    try {
      const done = resident.loader.start(model.path, context, resident.memory!.bytes);
      // A failed or cancelled load frees its room: whoever waits for room gets another look.
      done.catch(() => this.afterChange());
      return { done };
    } catch (error) {
      // The runner could not even be started (e.g. no process slots): nothing is in flight, so record it here.
      const failure = toEaselError(error, 'LOAD_FAILED');
      await resident.machine.apply('LOAD_FAILED', context, { error: `The runner could not start: ${failure.message}` });
      throw new EaselError('LOAD_FAILED', `Loading "${model.id}" failed: the runner could not start (${failure.message})`, { cause: error });
    }
  }

  private async beginUnload(resident: ResidentModel, context: TransitionContext): Promise<{ done: Promise<unknown> }> {
    this.unloadRequests.set(resident.modelId, (this.unloadRequests.get(resident.modelId) ?? 0) + 1);
    for (const waiter of this.waiters.all().filter((w) => w.modelId === resident.modelId)) {
      this.waiters.drop(waiter, new EaselError('CANCELLED', `The load of "${resident.modelId}" was cancelled by an unload request`));
    }
    switch (resident.machine.state) {
      case 'IDLE':
        return { done: Promise.resolve() };
      case 'LOADING':
        await resident.loader.cancel(context, `The load of "${resident.modelId}" was cancelled by an unload request`);
        return { done: Promise.resolve() };
      case 'ERROR':
        await resident.machine.apply('RESET_FROM_ERROR', context);
        return { done: Promise.resolve() };
      case 'UNLOADING':
        return { done: resident.unloading ?? Promise.resolve() };
      case 'LOADED': {
        if (resident.unloading) return { done: resident.unloading };
        const reason = `The model "${resident.modelId}" was unloaded by request`;
        this.jobs.cancelFor(resident.modelId, reason);
        for (const lease of resident.leases) lease.revoke(reason);
        if (resident.leases.size === 0) return this.unloadInBackground(resident, 'UNLOAD_REQUESTED', context, null);
        const unloading = new Promise<void>((resolve) => {
          resident.unloadWhenFree = resolve;
        })
          .then(() => this.queue.run(() => this.unloadInBackground(resident, 'UNLOAD_REQUESTED', context, null)))
          .then(({ done }) => done);
        unloading.catch(() => undefined);
        resident.unloading = unloading;
        return { done: unloading };
      }
    }
  }

  /** LOADED → UNLOADING here; the release runs outside the queue so UNLOADING is observable; its end is queued. */
  private async unloadInBackground(
    resident: ResidentModel,
    reason: 'UNLOAD_REQUESTED' | 'KEEP_ALIVE_EXPIRED',
    context: TransitionContext,
    details: Record<string, unknown> | null,
  ): Promise<{ done: Promise<ModelStatus> }> {
    resident.unloadWhenFree = null;
    const pipeline = resident.holder.get();
    if (resident.machine.state !== 'LOADED' || !pipeline) {
      resident.unloading = null;
      return { done: Promise.resolve(resident.machine.snapshot()) };
    }
    try {
      await resident.machine.apply(reason, context, { details });
    } catch (error) {
      // Refused (the audit log can't be written): the model stays loaded, and a later unload or expiry starts afresh.
      resident.unloading = null;
      this.emit();
      this.scheduleExpiry(EXPIRY_RETRY_MS);
      throw error;
    }
    resident.holder.take();
    const unloading = this.releasePipeline(pipeline)
      .then(
        (released) => this.queue.run(() => resident.machine.apply('UNLOAD_COMPLETED', context, { details: released })),
        (error: unknown) =>
          this.queue.run(async () => {
            await resident.machine.apply('UNLOAD_FAILED', context, { error: String(error) });
            throw new EaselError('UNLOAD_FAILED', `Unloading "${resident.modelId}" failed: ${String(error)}`, { cause: error });
          }),
      )
      .then(() => resident.machine.snapshot())
      .finally(() => {
        resident.unloading = null;
        this.afterChange();
      });
    unloading.catch(() => undefined);
    resident.unloading = unloading;
    return { done: unloading };
  }

  /** LOADED → UNLOADING → IDLE inside the current command (evictions, shutdown). */
  private async unloadInline(resident: ResidentModel, reason: 'UNLOAD_REQUESTED' | 'EVICTED', context: TransitionContext, details: Record<string, unknown> | null): Promise<void> {
    const pipeline = resident.holder.get();
    await resident.machine.apply(reason, context, { details });
    resident.holder.take();
    try {
      await resident.machine.apply('UNLOAD_COMPLETED', context, { details: await this.releasePipeline(pipeline) });
    } catch (error) {
      await resident.machine.apply('UNLOAD_FAILED', context, { error: String(error) });
      throw new EaselError('UNLOAD_FAILED', `Unloading "${resident.modelId}" failed: ${String(error)}`, { cause: error });
    }
  }

  private async unloadExpired(): Promise<void> {
    if (this.closed) return;
    const now = this.clock.now().getTime();
    let refused = false;
    for (const modelId of expired(this.views(), now)) {
      const resident = this.residents.get(modelId)!;
      const idleMs = now - resident.lastUsedMs;
      await this.unloadInBackground(resident, 'KEEP_ALIVE_EXPIRED', SYSTEM, { keepAlive: resident.keepAlive.seconds, idleMs }).catch((error: unknown) => {
        refused = true;
        this.deps.logger.error('keep-alive unload failed', { modelId, error: String(error) });
      });
    }
    this.scheduleExpiry(refused ? EXPIRY_RETRY_MS : 0);
  }

  /**
   * A load admitted on its estimate may measure more and push the total past the budget: idle models are evicted
   * until it fits again. Never throws: the load itself succeeded, and its callers must hear so.
   */
  private async evictOverBudget(loaded: ResidentModel): Promise<void> {
    const budget = this.deps.budget;
    const views = this.views();
    let used = usedBytes(views);
    try {
      for (const victim of evictionOrder(views.filter((v) => v.modelId !== loaded.modelId))) {
        if (used <= budget.memoryBytes) return;
        const details = { neededBy: loaded.modelId, neededBytes: loaded.memory?.bytes ?? 0, freedBytes: victim.memoryBytes, usedBytes: used, budgetBytes: budget.memoryBytes, maxLoaded: budget.maxLoaded, measuredAboveEstimate: true };
        await this.unloadInline(this.residents.get(victim.modelId)!, 'EVICTED', SYSTEM, details);
        used -= victim.memoryBytes;
      }
    } catch (error) {
      this.deps.logger.error('evicting to get back within the memory budget failed', { modelId: loaded.modelId, error: String(error) });
      return;
    }
    if (used > budget.memoryBytes) this.deps.logger.warn('resident models exceed the memory budget and none is idle to evict', { usedBytes: used, budgetBytes: budget.memoryBytes });
  }

  private releaseLease(resident: ResidentModel, lease: Lease): void {
    void this.queue
      .run(() => {
        resident.leases.delete(lease);
        resident.lastUsedMs = this.clock.now().getTime();
        if (resident.leases.size === 0 && resident.unloadWhenFree) resident.unloadWhenFree();
        if (resident.leases.size === 0) this.remeasure(resident);
        this.afterChange();
      })
      .catch((error) => this.deps.logger.error('releasing a lease failed', { modelId: resident.modelId, error: String(error) }));
  }

  /**
   * Measures a model again after its first job: onnxruntime maps external weights lazily and grows its arena on
   * the first run, so a runner holds more once it has generated (about twice as much for the SD-shaped model) than
   * right after its load. The larger figure is kept, recorded in the registry and counted against the budget.
   */
  private remeasure(resident: ResidentModel): void {
    const pipeline = resident.holder.get();
    if (!pipeline || resident.remeasuredEpoch === pipeline.epoch) return;
    resident.remeasuredEpoch = pipeline.epoch;
    void memoryWithin(pipeline.runner, MEMORY_QUERY_MS)
      .then((memory) =>
        this.queue.run(async () => {
          const bytes = residentBytes(memory, pipeline.model.device);
          if (bytes === null || resident.holder.get()?.epoch !== pipeline.epoch) return;
          if (resident.memory && bytes <= resident.memory.bytes) return;
          resident.memory = { bytes, source: 'measured' };
          await this.deps.models.recordMemory(resident.modelId, bytes).catch((cause) => this.deps.logger.warn('could not record the memory', { modelId: resident.modelId, cause: String(cause) }));
          await this.evictOverBudget(resident);
          this.afterChange();
        }),
      )
      .catch((error) => this.deps.logger.error('measuring a model after its first job failed', { modelId: resident.modelId, error: String(error) }));
  }

  // --- waiting for room ---

  private addWaiter(modelId: string, context: TransitionContext): RoomWaiter {
    const waiter = this.waiters.add(modelId, context, this.deps.loadTimeoutMs, (late) => {
      void this.queue.run(() => {
        if (!this.waiters.has(late)) return;
        const seconds = Math.round(this.deps.loadTimeoutMs / 1000);
        const why = decide(this.views(), this.deps.budget, { modelId, memoryBytes: this.residents.get(modelId)?.memory?.bytes ?? 0 });
        this.waiters.drop(late, new EaselError('INSUFFICIENT_MEMORY', `"${modelId}" waited ${seconds} s (EASEL_LOAD_TIMEOUT) for room and got none: ${'why' in why ? why.why : 'still no room'}`));
      });
    });
    this.emit();
    return waiter;
  }

  /** A job stopped waiting for room: with nobody left waiting, the load is not made later for nobody. */
  private withdraw(waiter: RoomWaiter): void {
    void this.queue.run(() => {
      waiter.holders -= 1;
      if (waiter.holders > 0 || !this.waiters.has(waiter)) return;
      this.waiters.drop(waiter, new EaselError('CANCELLED', `The load of "${waiter.modelId}" was withdrawn: the jobs waiting for it were cancelled`));
      this.afterChange();
    });
  }

  private async admitWaiters(): Promise<void> {
    for (const waiter of this.waiters.all()) {
      const resident = this.resident(waiter.modelId);
      const decision = decide(this.views(), this.deps.budget, { modelId: waiter.modelId, memoryBytes: resident.memory?.bytes ?? 0 });
      if (decision.kind === 'wait') continue;
      this.waiters.take(waiter);
      try {
        if (decision.kind === 'refuse') throw new EaselError('INSUFFICIENT_MEMORY', decision.why);
        const model = await this.deps.models.find(waiter.modelId);
        if (!model) throw this.notFound(waiter.modelId);
        waiter.resolve((await this.admit(resident, model, waiter.context, decision.evict, decision.usedBytes)).done);
      } catch (error) {
        waiter.reject(toEaselError(error, 'LOAD_FAILED'));
      }
    }
  }

  // --- bookkeeping ---

  private afterChange(): void {
    this.emit();
    this.scheduleExpiry();
    if (this.waiters.size > 0 && !this.closed) {
      void this.queue.run(() => this.admitWaiters()).catch((error) => this.deps.logger.error('admitting waiting loads failed', { error: String(error) }));
    }
  }

  /** `minDelayMs`: after a refused unload, the next sweep waits at least this long even for a deadline already past. */
  private scheduleExpiry(minDelayMs = 0): void {
    if (this.closed) return;
    if (this.expiryTimer !== null) this.timers.clear(this.expiryTimer);
    this.expiryTimer = null;
    const deadlines = this.views().map(expiresAt).filter((at): at is number => at !== null);
    if (deadlines.length === 0) return;
    const delay = Math.max(minDelayMs, Math.min(...deadlines) - this.clock.now().getTime());
    this.expiryTimer = this.timers.set(() => {
      this.expiryTimer = null;
      void this.sweepExpired().catch((error) => this.deps.logger.error('keep-alive sweep failed', { error: String(error) }));
    }, delay);
  }

  private applyKeepAlive(resident: ResidentModel, request: KeepAliveRequest): void {
    resident.keepAlive = mergeKeepAlive(resident.keepAlive, request, this.deps.keepAlive.maxSeconds);
  }

  private async memoryFigure(model: RegisteredModel): Promise<{ bytes: number; source: 'estimated' | 'measured' }> {
    if (model.memoryBytes !== null && model.memoryBytes > 0) return { bytes: model.memoryBytes, source: 'measured' };
    return { bytes: await this.deps.estimator.estimate(model.path), source: 'estimated' };
  }

  private resident(modelId: string): ResidentModel {
    let resident = this.residents.get(modelId);
    if (resident) return resident;
    const machine = new StateMachine(modelId, this.audit, this.clock, this.deps.logger);
    const holder = new PipelineHolder();
    const loader = new Loader({
      modelId,
      queue: this.queue,
      machine,
      holder,
      releaser: this.releaser,
      runners: this.deps.runners,
      device: this.deps.device,
      defaultSampler: this.deps.defaultSampler,
      logger: this.deps.logger,
      loadTimeoutMs: this.deps.loadTimeoutMs,
      onLoaded: async (measurement, at) => {
        const r = this.residents.get(modelId)!;
        if (measurement.memoryBytes !== null) r.memory = { bytes: measurement.memoryBytes, source: 'measured' };
        r.lastUsedMs = at.getTime();
        await this.deps.models
          .recordLoaded(modelId, at, measurement.memoryBytes)
          .catch((cause) => this.deps.logger.warn('could not record the load', { modelId, cause: String(cause) }));
        await this.evictOverBudget(r);
        this.afterChange();
      },
      onCrashed: () => this.afterChange(),
    });
    resident = new ResidentModel(machine, loader, holder, this.clock.now().getTime(), this.deps.keepAlive.defaultSeconds);
    machine.subscribe(() => this.emit());
    this.residents.set(modelId, resident);
    return resident;
  }

  private views() {
    return [...this.residents.values()].map((r) => r.view(this.jobs.countsFor(r.modelId)));
  }

  private residentStatus(resident: ResidentModel): ResidentStatus {
    return residentStatusOf(resident, this.jobs.countsFor(resident.modelId));
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const status = this.status();
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (cause) {
        this.deps.logger.warn('status listener threw', { cause: String(cause) });
      }
    }
  }

  private notFound(modelId: string): EaselError {
    return new EaselError('NOT_FOUND', `No model with id "${modelId}" is registered (see models.list)`);
  }

  private async releasePipeline(pipeline: LoadedPipeline | null): Promise<Record<string, unknown> | null> {
    if (!pipeline) return null;
    return { modelId: pipeline.modelId, ...releaseDetails(await this.releaser.release(pipeline.runner, 'graceful')) };
  }
}
