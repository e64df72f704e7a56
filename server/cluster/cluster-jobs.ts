// The jobs of a cluster of GPU servers on one PostgreSQL (issue #17). New jobs are saved and queued in pg-boss in
// one transaction; each node takes jobs into its own GenerationQueue as it has room, and relays every event of
// the jobs it runs over LISTEN/NOTIFY so a client connected to any node follows any job.
//
// Which job a node takes (one pg-boss queue per model):
//   1. jobs for the models it holds (warm);
//   2. jobs for models no live node holds;
//   3. jobs for a model warm on another node only once the oldest has waited STEAL_AFTER_MS (that node is busy).
// A node takes a job only when it has a free slot (EASEL_PARALLEL_JOBS) and no job of that model already.
import type { GenerationQueue } from '../core/generation/generation-queue.js';
import type { JobEvent } from '../core/generation/job-events.js';
import type { SharedDispatch, SharedJobExtras } from '../core/generation/shared-dispatch.js';
import type { GenerationRecord, Logger, NewGeneration } from '../core/ports.js';
import type { Database } from '../db/database.js';
import { createGenerationRepository, type GenerationRepository } from '../db/generation-repository.js';
import type { SharedJobRows } from '../db/shared-job-rows.js';
import type { ClusterBus, ClusterMessage } from './cluster-bus.js';
import type { NodeView } from './node-presence.js';
import { SharedJobQueue, type ClaimedJob } from './shared-job-queue.js';
import { JobRescue } from './job-rescue.js';

/** How often an idle node looks for work when no nudge arrives (a nudge is lost while reconnecting). */
const POLL_MS = 1000;
/** How long a job for a model warm on another node waits for that node before a cold node takes it. */
const STEAL_AFTER_MS = 1500;
/** How long a cancel request for a job no node held is kept for a claim that was on its way. */
const CANCEL_MEMORY_MS = 30_000;
/** The shared list of unfinished jobs is read again at most this often. */
const LIST_REFRESH_MS = 200;

export interface ClusterJobsDeps {
  db: Database;
  queue: SharedJobQueue;
  bus: ClusterBus;
  rows: SharedJobRows;
  generations: () => GenerationQueue;
  nodeName: () => string;
  /** Models resident (or loading) on this node. */
  residentModels: () => string[];
  nodes: () => Promise<NodeView[]>;
  /** Jobs this node runs at once. */
  parallel: number;
  heartbeatMs: number;
  logger: Logger;
}

export class ClusterJobs implements SharedDispatch {
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly running = new Set<Promise<void>>();
  private listTimer: NodeJS.Timeout | null = null;
  private offBus: (() => void) | null = null;
  private readonly rescue: JobRescue;
  private readonly generationRows: GenerationRepository;
  /** Cancels asked for jobs this node didn't hold (yet), by id: a claim may be on its way. */
  private readonly cancelRequests = new Map<string, { reason: string; at: number }>();

  constructor(private readonly deps: ClusterJobsDeps) {
    this.generationRows = createGenerationRepository(deps.db);
    this.rescue = new JobRescue({
      rows: deps.rows,
      queue: deps.queue,
      nodes: deps.nodes,
      nodeName: deps.nodeName,
      held: (id) => this.deps.generations().holds(id),
      publishFinal: (event) => this.publishEnd(event),
      nudge: () => this.publish({ kind: 'queued', modelId: '' }),
      logger: deps.logger,
    });
  }

  // --- SharedDispatch: what GenerationQueue calls ---

  async submit(jobs: Array<{ row: NewGeneration & { id: string }; extras: SharedJobExtras }>): Promise<GenerationRecord[]> {
    for (const modelId of new Set(jobs.map((job) => job.row.modelId))) await this.deps.queue.ensureQueue(modelId);
    const records = await this.deps.db.prisma.$transaction(async (tx) => {
      const inTransaction = createGenerationRepository({ ...this.deps.db, prisma: tx as typeof this.deps.db.prisma });
      const sql = async (text: string, values: unknown[]) => (await tx.$queryRawUnsafe(text, ...values.map(toSqlValue))) as unknown[];
      const saved: GenerationRecord[] = [];
      for (const job of jobs) {
        saved.push(await inTransaction.create(job.row));
        await this.deps.queue.send(sql, job.row.id, { modelId: job.row.modelId, ...job.extras });
      }
      return saved;
    });
    this.scheduleListRefresh();
    for (const modelId of new Set(jobs.map((job) => job.row.modelId))) void this.publish({ kind: 'queued', modelId });
    return records;
  }

  waiting(): Promise<number> {
    return this.deps.rows.queuedCount();
  }

  async cancelElsewhere(id: string, reason: string): Promise<void> {
    const record = await this.deps.generations().get(id);
    if (record.status === 'queued' && (await this.deps.rows.cancelQueued(id, reason, new Date()))) {
      await this.deps.queue.cancel(record.modelId, id).catch((error: unknown) => this.deps.logger.warn('pg-boss cancel failed', { id, error: String(error) }));
      await this.publishEnd({ id, status: 'cancelled', error: { code: 'CANCELLED', message: reason } });
      return;
    }
    // Claimed meanwhile, or running: the node that runs it stops it and reports the end.
    await this.publish({ kind: 'cancel', id, reason });
  }

  // --- this node's worker ---

  async start(): Promise<void> {
    this.offBus = this.deps.bus.subscribe((message) => this.onMessage(message));
    // Jobs this node's previous run left started (a crash, then a restart under the same name) go back first.
    await this.rescue.ownLeftovers();
    this.rescue.start(this.deps.heartbeatMs);
    this.loop = this.work();
    this.scheduleListRefresh();
  }

  /** Stops taking jobs; the jobs it runs end with the GenerationQueue's shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.offBus?.();
    this.rescue.stop();
    if (this.listTimer) clearTimeout(this.listTimer);
    this.wake?.();
    await this.loop;
  }

  /** Waits for the jobs it took to be completed in pg-boss (after GenerationQueue.shutdown). */
  async drained(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      let took = false;
      try {
        took = await this.takeOne();
      } catch (error) {
        this.deps.logger.warn('taking a job from the shared queue failed', { error: String(error) });
      }
      if (took || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, POLL_MS);
        timer.unref();
        this.wake = done;
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
      this.wake = null;
    }
  }

  private async takeOne(): Promise<boolean> {
    const generations = this.deps.generations();
    if (generations.localDepth >= this.deps.parallel) return false;
    const busy = generations.localModels();
    const resident = this.deps.residentModels();
    const queued = await this.deps.queue.models();
    if (queued.length === 0) return false;
    const warmElsewhere = await this.warmElsewhere();
    const order = [...resident.filter((m) => queued.includes(m)), ...queued.filter((m) => !resident.includes(m))];
    for (const modelId of order) {
      if (busy.has(modelId)) continue;
      if (!resident.includes(modelId) && warmElsewhere.has(modelId) && !(await this.waitedForWarmNode(modelId))) continue;
      const job = await this.deps.queue.fetch(modelId);
      if (!job) continue;
      await this.take(job);
      return true;
    }
    return false;
  }

  private async warmElsewhere(): Promise<Set<string>> {
    const me = this.deps.nodeName();
    const warm = new Set<string>();
    for (const node of await this.deps.nodes()) {
      if (node.name === me || !node.alive) continue;
      for (const model of node.models) warm.add(model.modelId);
    }
    return warm;
  }

  private async waitedForWarmNode(modelId: string): Promise<boolean> {
    const oldest = await this.deps.rows.oldestQueued(modelId);
    return oldest !== null && Date.now() - oldest.getTime() >= STEAL_AFTER_MS;
  }

  private async take(job: ClaimedJob): Promise<void> {
    const { modelId, ...extras } = job.data;
    if (!(await this.deps.rows.claim(job.id, this.deps.nodeName()))) {
      // Cancelled (or ended) before this node got to it: nothing to run.
      await this.deps.queue.complete(modelId, job.id);
      return;
    }
    const record = await this.generationRows.get(job.id);
    const run = this.deps.generations()
      .runClaimed(record, extras)
      // Left unfinished by a stop: the row still names this node, and the other nodes queue it again.
      .then((end) => (end ? this.deps.queue.complete(modelId, job.id) : undefined))
      .catch((error: unknown) => this.deps.logger.error('a shared job could not be completed', { id: job.id, error: String(error) }))
      .finally(() => {
        this.running.delete(run);
        this.scheduleListRefresh();
        this.wake?.();
      });
    this.running.add(run);
    const cancelled = this.cancelRequests.get(job.id);
    if (cancelled) void this.deps.generations().cancel(job.id, cancelled.reason).catch(() => undefined);
  }

  private remember(id: string, reason: string): void {
    const now = Date.now();
    for (const [other, request] of this.cancelRequests) if (now - request.at > CANCEL_MEMORY_MS) this.cancelRequests.delete(other);
    this.cancelRequests.set(id, { reason, at: now });
  }

  // --- messages from the other nodes ---

  private onMessage(message: ClusterMessage): void {
    const generations = this.deps.generations();
    switch (message.kind) {
      case 'job':
        if (message.node !== this.deps.nodeName()) generations.relay(message.event);
        if (message.event.status !== 'running') this.scheduleListRefresh();
        return;
      case 'cancel':
        if (generations.holds(message.id)) void generations.cancel(message.id, message.reason).catch(() => undefined);
        // A node may be between its claim of the job and running it: it looks here once the job is in its line.
        else this.remember(message.id, message.reason);
        return;
      case 'queued':
        this.scheduleListRefresh();
        this.wake?.();
        return;
    }
  }

  /** The end of a job no node runs (cancelled while queued, given up): this node's subscribers and the others'. */
  private publishEnd(event: JobEvent): Promise<void> {
    this.deps.generations().relay(event);
    return this.publish({ kind: 'job', node: this.deps.nodeName(), event });
  }

  private publish(message: ClusterMessage): Promise<void> {
    return this.deps.bus.publish(message);
  }

  private scheduleListRefresh(): void {
    if (this.listTimer || this.stopped) return;
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      void this.refreshList();
    }, LIST_REFRESH_MS);
    this.listTimer.unref();
  }

  private async refreshList(): Promise<void> {
    try {
      const rows = await this.generationRows.unfinished();
      this.deps.generations().showElsewhere(
        rows.map((row) => ({ id: row.id, modelId: row.modelId, ownerId: row.ownerId, prompt: row.prompt, createdAt: row.createdAt, totalSteps: row.steps, node: row.node })),
      );
    } catch (error) {
      this.deps.logger.warn('the shared job list could not be read', { error: String(error) });
    }
  }
}

/** pg-boss passes JSON data as objects and leaves options undefined; Prisma's raw queries want text and null. */
function toSqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}
