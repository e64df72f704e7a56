// Generation jobs across the resident models. A job is a row first, then work: it waits FIFO, loads its model on
// demand through the facade (which may evict or wait for room), takes a lease, runs, and ends as done, failed or
// cancelled. One job (or one batch of compatible jobs, job-batching.ts) runs at a time per model, up to `parallel`
// at once. Every job's subscribers get a final event, even when the database can't record it (the write is
// retried). The queue never touches a runner: it holds leases. With a shared queue (several nodes on PostgreSQL,
// shared-dispatch.ts) new jobs go there, and this queue runs the ones this node claims.
import { EaselError, toEaselError } from '../errors.js';
import type { TransitionContext } from '../lifecycle/state-machine.js';
import type { Lease } from '../lease.js';
import type { KeepAliveRequest } from '../model-manager.js';
import type { Actor, Clock, GenerationProgress, GenerationRecord, GenerationRequest, GenerationResult, GenerationUpdate } from '../ports.js';
import { resolveParams } from './generation-params.js';
import type { GenerationQueueDeps, GenerationView, Job, JobOrigin, ModelCache, StartInput } from './queue-types.js';
import { JobEvents, isFinal, type JobEvent } from './job-events.js';
import { pickNext, pinningJobs } from './job-order.js';
import { JobList, type ActiveJobView, type JobEntry } from './job-list.js';
import type { SharedJobExtras } from './shared-dispatch.js';
import { allAborted, batchCompanions } from './job-batching.js';
import { RowWriter } from './row-writer.js';
import { ElsewhereJobs } from './elsewhere-jobs.js';

export type { GenerationQueueDeps, GenerationView, Job, JobOrigin, ModelCache, ModelCatalog, StartInput } from './queue-types.js';

/** How long generate.cancel waits for the node running a job to report it stopped. */
const CANCEL_WAIT_MS = 10_000;
/** …and then for its row to be written: up to 50 × 100 ms. */
const ROW_WAIT_TRIES = 50;
const ROW_WAIT_MS = 100;
const FINAL_STATUSES: ReadonlySet<string> = new Set(['done', 'failed', 'cancelled']);

export class GenerationQueue {
  private readonly waiting: Job[] = [];
  private readonly active = new Map<string, Job>();
  private readonly events = new JobEvents();
  private readonly list = new JobList();
  private readonly limit: number;
  private readonly parallel: number;
  private readonly clock: Clock;
  private seq = 0;
  private reserved = 0;
  /** Jobs (or batches of jobs) running or loading their model: at most `parallel`. */
  private groups = 0;
  private closed = false;
  private readonly rows: RowWriter;
  private readonly elsewhere = new ElsewhereJobs();
  /** Callers of runClaimed, told when their job's final row is written. */
  private readonly settled = new Map<string, (event: JobEvent | null) => void>();
  private readonly endWaiters = new Map<string, Array<() => void>>();

  constructor(private readonly deps: GenerationQueueDeps) {
    this.limit = deps.limit ?? 32;
    this.parallel = deps.parallel ?? 1;
    this.clock = deps.clock ?? { now: () => new Date() };
    this.rows = new RowWriter(deps.store, deps.logger);
    deps.models.attachJobs({
      countsFor: (modelId) => this.countsFor(modelId),
      cancelFor: (modelId, reason) => this.cancelFor(modelId, reason),
    });
  }

  /** Persists and queues one job per image; returns the first id and all of them. */
  async start(input: StartInput, origin: JobOrigin): Promise<{ id: string; ids: string[]; warnings: string[] }> {
    if (this.closed) throw new EaselError('BUSY', 'The server is shutting down; try again once it is back');
    const modelId = input.model ?? this.deps.models.mostRecentlyUsed();
    if (!modelId) throw new EaselError('NOT_LOADED', 'No model is loaded; load one first (models.load) or name one (model)');
    const resident = this.deps.models.describe(modelId);
    const registered = resident ? null : await this.deps.catalog.describe(modelId);
    if (!resident && !registered) throw new EaselError('NOT_FOUND', `No model with id "${modelId}" is registered (see models.list)`);
    const description = resident?.model ?? registered!.description;
    const path = resident?.modelPath ?? registered!.path;
    const sampler = resident?.sampler ?? registered?.defaultSampler ?? this.deps.defaultSampler;
    const params = resolveParams(input, description, sampler, this.deps.randomSeed);
    const count = params.seeds.length;
    await this.deps.assertStorage?.();
    const warnings = (await this.deps.promptWarnings?.({ path, description }, { prompt: params.prompt, negativePrompt: params.negativePrompt })) ?? [];
    // The shared queue's line is the cluster's (two nodes racing for its last places may both get in).
    const waitingElsewhere = this.deps.shared ? await this.deps.shared.waiting() : 0;
    // No await between this check and the reservation below, or two requests could both take the last places.
    const queued = this.waiting.length + this.reserved + waitingElsewhere;
    if (queued + count > this.limit) {
      throw new EaselError('BUSY', `The queue is full (${queued} of ${this.limit} jobs waiting); wait for some to finish or cancel them`);
    }
    const context: TransitionContext = { actor: origin.actor, requestId: origin.requestId ?? null };
    const keepAlive: KeepAliveRequest | undefined = input.keepAlive === undefined ? undefined : { seconds: input.keepAlive, role: origin.ownerRole };
    if (this.deps.shared) {
      const ids = await this.submitShared(params, modelId, origin, warnings, keepAlive);
      return { id: ids[0]!, ids, warnings };
    }
    this.reserved += count;
    const jobs: Job[] = [];
    try {
      const { seeds, initImageBase64, ...common } = params;
      for (const seed of seeds) {
        const id = this.deps.newId();
        const request: GenerationRequest = { ...common, jobId: id, seed, outputPath: this.deps.imagePath(id), previewEvery: this.deps.previewEvery ?? 5 };
        if (initImageBase64 !== undefined) request.initImageBase64 = initImageBase64;
        const record = await this.deps.store.create({
          ...common,
          id,
          seed,
          strength: params.strength ?? null,
          modelId,
          ownerRole: origin.ownerRole,
          ownerId: origin.ownerId,
          actor: origin.actor,
          warnings,
        });
        const job: Job = { id, seq: ++this.seq, modelId, request, context, controller: new AbortController(), phase: 'queued', prompt: params.prompt, ownerId: origin.ownerId, createdAt: record.createdAt, attempts: 0 };
        if (keepAlive) job.keepAlive = keepAlive;
        jobs.push(job);
      }
    } catch (error) {
      // A batch is queued whole or not at all: the images already saved are marked cancelled.
      for (const job of jobs) await this.finish(job, 'cancelled', new EaselError('CANCELLED', 'The rest of this batch could not be saved'));
      throw error;
    } finally {
      this.reserved -= count;
    }
    // All in line before any starts: a batch request's images can then share each UNet run.
    this.enqueue(...jobs);
    return { id: jobs[0]!.id, ids: jobs.map((j) => j.id), warnings };
  }

  /** The rows and jobs of a request when the nodes share the work: saved and queued in one transaction. */
  private async submitShared(
    params: ReturnType<typeof resolveParams>,
    modelId: string,
    origin: JobOrigin,
    warnings: string[],
    keepAlive: KeepAliveRequest | undefined,
  ): Promise<string[]> {
    const { seeds, initImageBase64, ...common } = params;
    const extras: SharedJobExtras = {};
    if (keepAlive) extras.keepAlive = keepAlive;
    if (initImageBase64 !== undefined) extras.initImageBase64 = initImageBase64;
    const jobs = seeds.map((seed) => ({
      row: { ...common, id: this.deps.newId(), seed, strength: params.strength ?? null, modelId, ownerRole: origin.ownerRole, ownerId: origin.ownerId, actor: origin.actor, warnings },
      extras,
    }));
    const records = await this.deps.shared!.submit(jobs);
    return records.map((record) => record.id);
  }

  /**
   * Runs a job this node claimed from the shared queue (see server/cluster/cluster-jobs.ts); resolves with its
   * final event once it has ended and its row is written, or null when this node stopped and left it to the others.
   */
  runClaimed(record: GenerationRecord, extras: SharedJobExtras): Promise<JobEvent | null> {
    const job = this.jobOf(record);
    if (extras.initImageBase64 !== undefined) job.request.initImageBase64 = extras.initImageBase64;
    if (extras.keepAlive) job.keepAlive = extras.keepAlive;
    // Resolved once the final row is written (see settle): the caller then completes the shared job.
    const ended = new Promise<JobEvent | null>((resolve) => this.settled.set(record.id, resolve));
    this.enqueue(job);
    return ended;
  }

  /** Jobs this node runs or holds in its line (the shared queue's are not counted). */
  get localDepth(): number {
    return this.active.size + this.waiting.length;
  }

  /** True while this node runs the job or holds it in its line. */
  holds(id: string): boolean {
    return this.active.has(id) || this.waiting.some((job) => job.id === id);
  }

  /** Models with a job running or waiting on this node. */
  localModels(): Set<string> {
    return new Set([...this.active.values(), ...this.waiting].map((job) => job.modelId));
  }

  /** An event of a job another node runs, for this node's subscribers. */
  relay(event: JobEvent): void {
    if (this.holds(event.id)) return;
    this.events.emit(event);
    this.list.update(event);
    if (isFinal(event)) this.forgetElsewhere(event.id);
  }

  /** The cluster's unfinished jobs run by other nodes or not yet claimed, for the shared list (generate.jobs). */
  showElsewhere(entries: JobEntry[]): void {
    this.elsewhere.show(entries);
    this.changed();
  }

  private forgetElsewhere(id: string): void {
    if (this.deps.shared) this.elsewhere.ended(id);
  }

  /**
   * Queues again a job found unfinished at start-up (see job-recovery.ts): same id, seed and parameters, so
   * the same image. Its image-to-image input is not kept across restarts, so such a job can't be recovered.
   */
  async requeue(record: GenerationRecord): Promise<void> {
    await this.persist(record.id, { status: 'queued' });
    this.enqueue(this.jobOf(record));
  }

  private jobOf(record: GenerationRecord): Job {
    const request: GenerationRequest = {
      jobId: record.id,
      prompt: record.prompt,
      negativePrompt: record.negativePrompt,
      sampler: record.sampler,
      steps: record.steps,
      guidance: record.guidance,
      seed: record.seed,
      width: record.width,
      height: record.height,
      outputPath: this.deps.imagePath(record.id),
      previewEvery: this.deps.previewEvery ?? 5,
    };
    const context: TransitionContext = { actor: (record.actor as Actor | null) ?? 'system' };
    if (record.strength !== null) request.strength = record.strength;
    return { id: record.id, seq: 0, modelId: record.modelId, request, context, controller: new AbortController(), phase: 'queued', prompt: record.prompt, ownerId: record.ownerId, createdAt: record.createdAt, attempts: record.attempts };
  }

  /** Ends a job found unfinished at start-up that can't run again; its row and any subscriber learn why. */
  async abandon(record: GenerationRecord, error: EaselError): Promise<void> {
    this.emit({ id: record.id, status: 'failed', error: { code: error.code, message: error.message } });
    await this.persist(record.id, { status: 'failed', error: error.message, errorCode: error.code, finishedAt: this.clock.now() });
  }

  /** Puts jobs in the waiting line and starts what can start. */
  private enqueue(...jobs: Job[]): void {
    for (const job of jobs) {
      job.seq = ++this.seq;
      this.waiting.push(job);
    }
    this.emitPositions();
    this.changed();
    this.pump();
  }

  /** Stops a running job (within one step) or removes a waiting one. False when the job had already ended. */
  async cancel(id: string, reason = 'Cancelled on request'): Promise<{ cancelled: boolean; generation: GenerationView }> {
    const index = this.waiting.findIndex((j) => j.id === id);
    if (index >= 0) {
      const [job] = this.waiting.splice(index, 1);
      await this.finish(job!, 'cancelled', new EaselError('CANCELLED', reason));
      this.emitPositions();
      this.changed();
      return { cancelled: true, generation: await this.get(id) };
    }
    const active = this.active.get(id);
    if (active) {
      active.cancelReason = reason;
      const ended = this.whenEnded(id);
      active.controller.abort(new EaselError('CANCELLED', reason));
      await ended;
      return { cancelled: true, generation: await this.get(id) };
    }
    if (this.deps.shared) return this.cancelShared(id, reason);
    // Not in memory (left by a crash and not recovered): end the row itself.
    const record = await this.deps.store.get(id);
    if (record.status === 'queued' || record.status === 'loading' || record.status === 'running') {
      await this.persist(id, { status: 'cancelled', error: reason, errorCode: 'CANCELLED', finishedAt: this.clock.now() });
      return { cancelled: true, generation: await this.get(id) };
    }
    return { cancelled: false, generation: this.view(record) };
  }

  /** A job this node doesn't hold: the shared queue ends it, or asks the node running it (within one step). */
  private async cancelShared(id: string, reason: string): Promise<{ cancelled: boolean; generation: GenerationView }> {
    const before = await this.deps.store.get(id);
    if (before.status !== 'queued' && before.status !== 'loading' && before.status !== 'running') return { cancelled: false, generation: this.view(before) };
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), CANCEL_WAIT_MS);
      const off = this.events.subscribe(id, (event) => {
        if (isFinal(event)) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
    await this.deps.shared!.cancelElsewhere(id, reason);
    await ended;
    // The node that ran it sends the final event before it writes the row.
    let after = await this.deps.store.get(id);
    for (let i = 0; i < ROW_WAIT_TRIES && !FINAL_STATUSES.has(after.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, ROW_WAIT_MS));
      after = await this.deps.store.get(id);
    }
    return { cancelled: after.status === 'cancelled', generation: this.view(after) };
  }

  async get(id: string): Promise<GenerationView> {
    return this.view(await this.deps.store.get(id));
  }

  view(record: GenerationRecord): GenerationView {
    const { imagePath, ...rest } = record;
    return record.status === 'done' && imagePath ? { ...rest, imageUrl: this.deps.imageUrl(record.id) } : rest;
  }

  /** The latest in-memory event of a job that hasn't ended, for a subscriber's first message. */
  lastEvent(id: string): JobEvent | undefined {
    return this.events.last(id);
  }

  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    return this.events.subscribe(id, listener);
  }

  /** Every job not yet ended, in the order they will run (running and loading first). */
  jobs(): ActiveJobView[] {
    return this.list.snapshot();
  }

  /** Calls `listener` with the list of unfinished jobs on every change. */
  subscribeJobs(listener: (jobs: ActiveJobView[]) => void): () => void {
    return this.list.subscribe(listener);
  }

  /** Jobs waiting, the running ones excluded. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True while a job runs or waits. */
  get busy(): boolean {
    return this.active.size > 0 || this.waiting.length > 0;
  }

  /**
   * Graceful stop: new jobs are refused, the rest cancelled, their rows written before it resolves. With the
   * shared queue the jobs are not cancelled but left to the other nodes: their rows stay as they are, and the
   * nodes that see this one stopped queue them again (server/cluster/job-rescue.ts).
   */
  async shutdown(reason = 'The server is shutting down'): Promise<void> {
    this.closed = true;
    const leave = this.deps.shared !== undefined;
    for (const job of [...this.waiting, ...this.active.values()]) job.leftToOthers = leave;
    for (const job of this.waiting.splice(0)) this.track(this.finish(job, 'cancelled', new EaselError('CANCELLED', reason)));
    const ended = [...this.active.keys()].map((id) => this.whenEnded(id));
    for (const job of this.active.values()) {
      job.cancelReason = reason;
      job.controller.abort(new EaselError('CANCELLED', reason));
    }
    await Promise.all(ended);
    await this.rows.drained();
  }

  // --- the facade's view of the jobs ---

  private countsFor(modelId: string): { running: number; queued: number; pinning: number } {
    let running = 0;
    for (const job of this.active.values()) if (job.modelId === modelId) running += 1;
    const queued = this.waiting.filter((j) => j.modelId === modelId).length;
    return { running, queued, pinning: pinningJobs(modelId, this.waiting, this.activeOrder()) };
  }

  private cancelFor(modelId: string, reason: string): void {
    for (const job of this.waiting.filter((j) => j.modelId === modelId)) {
      this.waiting.splice(this.waiting.indexOf(job), 1);
      this.track(this.finish(job, 'cancelled', new EaselError('CANCELLED', reason)));
    }
    for (const job of this.active.values()) {
      if (job.modelId !== modelId) continue;
      job.cancelReason = reason;
      job.controller.abort(new EaselError('CANCELLED', reason));
    }
    this.emitPositions();
    this.changed();
  }

  // --- running jobs ---

  private activeOrder() {
    return [...this.active.values()].map((j) => ({ seq: j.seq, modelId: j.modelId, phase: j.phase === 'running' ? ('running' as const) : ('loading' as const) }));
  }

  private pump(): void {
    while (!this.closed && this.groups < this.parallel) {
      const job = pickNext(this.waiting, this.activeOrder());
      if (!job) break;
      const group = [job, ...batchCompanions(job, this.waiting, this.deps.batchLimit?.(job.modelId) ?? 1)];
      for (const member of group) {
        this.waiting.splice(this.waiting.indexOf(member), 1);
        this.active.set(member.id, member);
        member.phase = 'loading';
      }
      this.groups += 1;
      this.emitPositions();
      this.changed();
      void this.run(group)
        .catch((error) => this.deps.logger.error('generation bookkeeping failed', { ids: group.map((j) => j.id), error: String(error) }))
        .finally(() => {
          this.groups -= 1;
          for (const member of group) {
            this.active.delete(member.id);
            this.ended(member.id);
          }
          this.changed();
          this.pump();
          if (!this.busy) this.deps.onDrained?.();
        });
    }
  }

  /** One job, or several that share each UNet run (see job-batching.ts), under one lease. */
  private async run(group: Job[]): Promise<void> {
    const startedAt = this.clock.now();
    for (const job of group) job.attempts += 1;
    // A job of a batch cancelled while the model loads for the others ends at once, not when the load does.
    const leftEarly = new Set<Job>();
    const detach =
      group.length > 1
        ? group.map((job) => {
            const onAbort = () => {
              if (!this.active.has(job.id) || job.phase !== 'loading' || group.every((j) => j.controller.signal.aborted)) return;
              leftEarly.add(job);
              this.active.delete(job.id);
              this.track(this.finish(job, 'cancelled', new EaselError('CANCELLED', job.cancelReason ?? 'Cancelled on request'), startedAt));
            };
            job.controller.signal.addEventListener('abort', onAbort, { once: true });
            return () => job.controller.signal.removeEventListener('abort', onAbort);
          })
        : [];
    let lease: Lease;
    try {
      lease = await this.acquire(group);
    } catch (error) {
      const failure = toEaselError(error, 'LOAD_FAILED');
      for (const job of group) {
        if (leftEarly.has(job)) continue;
        const cancelled = job.controller.signal.aborted || failure.code === 'CANCELLED';
        await this.finish(job, cancelled ? 'cancelled' : 'failed', cancelled ? new EaselError('CANCELLED', job.cancelReason ?? failure.message) : failure, startedAt);
      }
      return;
    } finally {
      for (const off of detach) off();
    }
    try {
      const live: Job[] = [];
      for (const job of group) {
        if (leftEarly.has(job)) continue;
        // Cancelled as the model became ready.
        if (job.controller.signal.aborted) await this.finish(job, 'cancelled', new EaselError('CANCELLED', job.cancelReason ?? 'Cancelled on request'), startedAt);
        else live.push(job);
      }
      for (const job of live) job.phase = 'running';
      this.changed();
      const node = this.deps.nodeName?.() ?? null;
      for (const job of live) await this.persist(job.id, { status: 'running', startedAt, attempts: job.attempts, node });
      if (live.length === 1) {
        await this.generate(live[0]!, lease, startedAt);
      } else if (live.length > 1) {
        for (const job of live) this.emit({ id: job.id, status: 'running', step: 0, totalSteps: job.request.steps, etaMs: null });
        const results = lease.generateBatch(
          live.map((job) => job.request),
          live.map((job) => this.runOptions(job)),
        );
        await Promise.all(live.map((job, i) => this.complete(job, results[i]!, startedAt)));
      }
    } finally {
      lease.release();
    }
  }

  /**
   * A lease on the jobs' model; while the model loads, each job reports `loading` with the load's progress. The
   * load is given up only when every job of the group is cancelled.
   */
  private async acquire(group: Job[]): Promise<Lease> {
    const [lead] = group as [Job];
    if (this.deps.models.modelState(lead.modelId) !== 'LOADED') {
      for (const job of group) {
        this.emit({ id: job.id, status: 'loading', modelId: job.modelId, step: 0, totalSteps: job.request.steps, etaMs: null });
        await this.persist(job.id, { status: 'loading' });
      }
    }
    const off = this.deps.models.subscribe((status) => {
      const model = status.models.find((m) => m.modelId === lead.modelId);
      if (model?.state !== 'LOADING') return;
      for (const job of group) {
        if (job.controller.signal.aborted) continue;
        const event: JobEvent = { id: job.id, status: 'loading', modelId: job.modelId, step: 0, totalSteps: job.request.steps, etaMs: null };
        if (model.loadProgress) event.loadProgress = model.loadProgress;
        this.emit(event);
      }
    });
    try {
      const signals = group.map((job) => job.controller.signal);
      const signal = signals.length === 1 ? signals[0]! : allAborted(signals);
      const options: Parameters<ModelCache['acquire']>[1] = { context: lead.context, signal };
      // As if run one by one: the last job's keep-alive is the one that stays.
      const keepAlive = group.filter((job) => job.keepAlive).at(-1)?.keepAlive;
      if (keepAlive) options.keepAlive = keepAlive;
      return await this.deps.models.acquire(lead.modelId, options);
    } finally {
      off();
    }
  }

  /** The job's cancel signal, and its progress turned into events with an ETA. */
  private runOptions(job: Job): { signal: AbortSignal; onProgress: (progress: GenerationProgress) => void } {
    const firstStepAt = performance.now();
    return {
      signal: job.controller.signal,
      onProgress: (progress) => {
        const elapsed = performance.now() - firstStepAt;
        const etaMs = progress.step > 0 ? Math.round((elapsed / progress.step) * (progress.totalSteps - progress.step)) : null;
        const event: JobEvent = { id: job.id, status: 'running', step: progress.step, totalSteps: progress.totalSteps, etaMs };
        if (progress.previewPngBase64) event.previewPng = `data:image/png;base64,${progress.previewPngBase64}`;
        this.emit(event);
      },
    };
  }

  private async generate(job: Job, lease: Lease, startedAt: Date): Promise<void> {
    this.emit({ id: job.id, status: 'running', step: 0, totalSteps: job.request.steps, etaMs: null });
    await this.complete(job, lease.generate(job.request, this.runOptions(job)), startedAt);
  }

  /** Ends a job with what its generation gave: done with the image, or cancelled / failed. */
  private async complete(job: Job, generation: Promise<GenerationResult>, startedAt: Date): Promise<void> {
    try {
      const result = await generation;
      const finishedAt = this.clock.now();
      const durationMs = finishedAt.getTime() - startedAt.getTime();
      const runMs = Math.round(result.runMs);
      const done: JobEvent = { id: job.id, status: 'done', done: true, imageUrl: this.deps.imageUrl(job.id), seed: job.request.seed, durationMs, runMs };
      this.emit(done);
      await this.persist(job.id, { status: 'done', durationMs, runMs, imagePath: job.request.outputPath, finishedAt });
      this.settle(job.id, done);
      this.deps.onFinished?.(job.id);
    } catch (error) {
      const failure = toEaselError(error, 'GENERATION_FAILED');
      const cancelled = job.controller.signal.aborted || failure.code === 'CANCELLED';
      const reason = cancelled ? new EaselError('CANCELLED', job.cancelReason ?? failure.message) : failure;
      await this.finish(job, cancelled ? 'cancelled' : 'failed', reason, startedAt);
    }
  }

  /** The final event first (subscribers must hear of it even if the database can't), then the row. */
  private async finish(job: Job, status: 'failed' | 'cancelled', error: EaselError, startedAt?: Date): Promise<void> {
    if (job.leftToOthers && status === 'cancelled') {
      this.settle(job.id, null);
      return;
    }
    const finishedAt = this.clock.now();
    const durationMs = startedAt ? finishedAt.getTime() - startedAt.getTime() : null;
    const event: JobEvent = { id: job.id, status, error: { code: error.code, message: error.message } };
    this.emit(event);
    await this.persist(job.id, { status, error: error.message, errorCode: error.code, finishedAt, durationMs });
    this.settle(job.id, event);
    this.deps.onFinished?.(job.id);
  }

  private settle(id: string, event: JobEvent | null): void {
    this.settled.get(id)?.(event);
    this.settled.delete(id);
    this.ended(id);
  }

  private persist(id: string, update: GenerationUpdate): Promise<void> {
    return this.rows.write(id, update);
  }

  private track(work: Promise<void>): void {
    this.rows.track(work);
  }

  /** Resolves once the job has ended here and its row is written (or it was left to the other nodes). */
  private whenEnded(id: string): Promise<void> {
    return new Promise((resolve) => {
      if (!this.holds(id)) return resolve();
      this.endWaiters.set(id, [...(this.endWaiters.get(id) ?? []), resolve]);
    });
  }

  private ended(id: string): void {
    for (const resolve of this.endWaiters.get(id) ?? []) resolve();
    this.endWaiters.delete(id);
  }

  private emit(event: JobEvent): void {
    if (isFinal(event)) this.forgetElsewhere(event.id);
    this.events.emit(event);
    this.list.update(event);
    this.deps.onEvent?.(event);
  }

  private emitPositions(): void {
    this.waiting.forEach((job, index) => {
      this.emit({ id: job.id, status: 'queued', position: index + 1, step: 0, totalSteps: job.request.steps, etaMs: null });
    });
  }

  private changed(): void {
    const node = this.deps.nodeName?.() ?? null;
    const here = [...this.active.values(), ...this.waiting].map((job) => ({ id: job.id, modelId: job.modelId, ownerId: job.ownerId, prompt: job.prompt, createdAt: job.createdAt, totalSteps: job.request.steps, node }));
    const ids = new Set(here.map((entry) => entry.id));
    this.list.setOrder([...here, ...this.elsewhere.entries.filter((entry) => !ids.has(entry.id))]);
    this.deps.models.jobsChanged();
  }
}
