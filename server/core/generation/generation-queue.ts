// Generation jobs for the loaded model: one runs at a time, the rest wait FIFO in a bounded queue; progress
// fans out per job; cancel stops a running job within a step and drops a queued one; unloading or switching
// the model cancels them all. Every job is persisted before it is queued.
import { EaselError, toEaselError } from '../errors.js';
import type { ModelStatus } from '../lifecycle/state-machine.js';
import type { LoadedPipeline } from '../pipeline-holder.js';
import type { Clock, GenerationRecord, GenerationRequest, GenerationStore, Logger } from '../ports.js';
import { resolveParams, type GenerationInput } from './generation-params.js';
import { JobEvents, type JobEvent } from './job-events.js';

export interface GenerationQueueDeps {
  pipeline(): LoadedPipeline | null;
  status(): ModelStatus;
  subscribeStatus(listener: (status: ModelStatus) => void): () => void;
  store: GenerationStore;
  /** Where the runner writes a job's PNG, and the URL it is served at. */
  imagePath(id: string): string;
  imageUrl(id: string): string;
  newId(): string;
  randomSeed(): number;
  logger: Logger;
  clock?: Clock;
  /** Jobs allowed to wait (the running one not counted). */
  limit?: number;
  previewEvery?: number;
  /** Called when the last job has ended and none is waiting. */
  onDrained?: () => void;
}

export interface GenerationView extends Omit<GenerationRecord, 'imagePath'> {
  imageUrl?: string;
}

interface Job {
  id: string;
  epoch: number;
  request: GenerationRequest;
  controller: AbortController;
  cancelReason?: string;
}

export class GenerationQueue {
  private readonly waiting: Job[] = [];
  private running: Job | null = null;
  private reserved = 0;
  /** After the runner died under a job, the others wait for the crash's status change, which says why they end. */
  private heldByCrash = false;
  private readonly events = new JobEvents();
  private readonly limit: number;
  private readonly clock: Clock;

  constructor(private readonly deps: GenerationQueueDeps) {
    this.limit = deps.limit ?? 32;
    this.clock = deps.clock ?? { now: () => new Date() };
    deps.subscribeStatus((status) => {
      this.heldByCrash = false;
      if (status.state === 'LOADED') {
        void this.pump();
        return;
      }
      // Switching models passes through UNLOADING too, so "unloaded" covers both.
      const reason = status.state === 'ERROR' ? `The model stopped: ${status.error ?? 'runner error'}` : 'The model was unloaded';
      this.cancelAll(reason);
    });
  }

  /** Persists and queues one job per image; returns the first id and all of them. */
  async start(input: GenerationInput): Promise<{ id: string; ids: string[] }> {
    const pipeline = this.deps.pipeline();
    if (!pipeline || this.deps.status().state !== 'LOADED') throw new EaselError('NOT_LOADED', 'No model is loaded; load one first (models.load)');
    const params = resolveParams(input, pipeline.model, pipeline.sampler, this.deps.randomSeed);
    const count = params.seeds.length;
    const queued = this.waiting.length + this.reserved;
    if (queued + count > this.limit) {
      throw new EaselError('BUSY', `The queue is full (${queued} of ${this.limit} jobs waiting); wait for some to finish or cancel them`);
    }
    this.reserved += count;
    const jobs: Job[] = [];
    try {
      const { seeds, initImageBase64, ...common } = params;
      for (const seed of seeds) {
        const id = this.deps.newId();
        const request: GenerationRequest = {
          ...common,
          jobId: id,
          seed,
          outputPath: this.deps.imagePath(id),
          previewEvery: this.deps.previewEvery ?? 5,
        };
        if (initImageBase64 !== undefined) request.initImageBase64 = initImageBase64;
        await this.deps.store.create({ ...common, id, seed, strength: params.strength ?? null, modelId: pipeline.modelId });
        jobs.push({ id, epoch: pipeline.epoch, request, controller: new AbortController() });
      }
    } catch (error) {
      // A batch is queued whole or not at all: the images already saved are marked cancelled.
      for (const job of jobs) await this.finish(job, 'cancelled', new EaselError('CANCELLED', 'The rest of this batch could not be saved')).catch(() => undefined);
      throw error;
    } finally {
      this.reserved -= count;
    }
    for (const job of jobs) {
      this.waiting.push(job);
      this.emitQueued(job);
    }
    void this.pump();
    return { id: jobs[0]!.id, ids: jobs.map((j) => j.id) };
  }

  /** Stops a running job (within one step) or removes a queued one. False when the job already ended. */
  async cancel(id: string, reason = 'Cancelled on request'): Promise<{ cancelled: boolean; generation: GenerationView }> {
    const index = this.waiting.findIndex((j) => j.id === id);
    if (index >= 0) {
      const [job] = this.waiting.splice(index, 1);
      await this.finish(job!, 'cancelled', new EaselError('CANCELLED', reason));
      this.waiting.forEach((j) => this.emitQueued(j));
      return { cancelled: true, generation: await this.get(id) };
    }
    if (this.running?.id === id) {
      this.running.cancelReason = reason;
      this.running.controller.abort();
      await this.whenEnded(id);
      return { cancelled: true, generation: await this.get(id) };
    }
    return { cancelled: false, generation: await this.get(id) };
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

  /** Jobs waiting, the running one excluded. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True while a job runs or waits. */
  get busy(): boolean {
    return this.running !== null || this.waiting.length > 0;
  }

  private cancelAll(reason: string): void {
    const dropped = this.waiting.splice(0);
    for (const job of dropped) {
      this.finish(job, 'cancelled', new EaselError('CANCELLED', reason)).catch((e) => this.deps.logger.error('cancelling a job failed', { id: job.id, error: String(e) }));
    }
    if (this.running) {
      this.running.cancelReason = reason;
      this.running.controller.abort();
    }
  }

  private whenEnded(id: string): Promise<void> {
    return new Promise((resolve) => {
      const off = this.events.subscribe(id, (event) => {
        if (event.status !== 'queued' && event.status !== 'running') {
          off();
          resolve();
        }
      });
    });
  }

  private emitQueued(job: Job): void {
    const position = this.waiting.indexOf(job) + 1;
    this.events.emit({ id: job.id, status: 'queued', position, step: 0, totalSteps: job.request.steps, etaMs: null });
  }

  private async pump(): Promise<void> {
    while (!this.running && !this.heldByCrash && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running = job;
      this.waiting.forEach((j) => this.emitQueued(j));
      try {
        await this.run(job);
      } catch (error) {
        this.deps.logger.error('generation bookkeeping failed', { id: job.id, error: String(error) });
      } finally {
        this.running = null;
      }
      if (this.waiting.length === 0) this.deps.onDrained?.();
    }
  }

  private async run(job: Job): Promise<void> {
    const pipeline = this.deps.pipeline();
    if (!pipeline || pipeline.epoch !== job.epoch) {
      await this.finish(job, 'cancelled', new EaselError('CANCELLED', job.cancelReason ?? 'The model was unloaded before the job started'));
      return;
    }
    const startedAt = this.clock.now();
    await this.deps.store.update(job.id, { status: 'running', startedAt });
    const totalSteps = job.request.steps;
    this.events.emit({ id: job.id, status: 'running', step: 0, totalSteps, etaMs: null });
    const firstStepAt = performance.now();
    try {
      const result = await pipeline.runner.generate(job.request, {
        signal: job.controller.signal,
        onProgress: (progress) => {
          const elapsed = performance.now() - firstStepAt;
          const etaMs = progress.step > 0 ? Math.round((elapsed / progress.step) * (progress.totalSteps - progress.step)) : null;
          const event: JobEvent = { id: job.id, status: 'running', step: progress.step, totalSteps: progress.totalSteps, etaMs };
          if (progress.previewPngBase64) event.previewPng = `data:image/png;base64,${progress.previewPngBase64}`;
          this.events.emit(event);
        },
      });
      const finishedAt = this.clock.now();
      const durationMs = finishedAt.getTime() - startedAt.getTime();
      const runMs = Math.round(result.runMs);
      await this.deps.store.update(job.id, { status: 'done', durationMs, runMs, imagePath: job.request.outputPath, finishedAt });
      this.events.emit({ id: job.id, status: 'done', done: true, imageUrl: this.deps.imageUrl(job.id), seed: job.request.seed, durationMs, runMs });
    } catch (error) {
      const failure = toEaselError(error, 'GENERATION_FAILED');
      const cancelled = job.controller.signal.aborted || failure.code === 'CANCELLED';
      if (failure.code === 'RUNNER_CRASHED') this.heldByCrash = true;
      const reason = cancelled ? new EaselError('CANCELLED', job.cancelReason ?? failure.message) : failure;
      await this.finish(job, cancelled ? 'cancelled' : 'failed', reason, startedAt);
    }
  }

  private async finish(job: Job, status: 'failed' | 'cancelled', error: EaselError, startedAt?: Date): Promise<void> {
    const finishedAt = this.clock.now();
    const durationMs = startedAt ? finishedAt.getTime() - startedAt.getTime() : null;
    await this.deps.store.update(job.id, { status, error: error.message, finishedAt, durationMs });
    this.events.emit({ id: job.id, status, error: { code: error.code, message: error.message } });
  }
}
