// The runner process's single generation slot: runs one job at a time, reports it over IPC, honours cancel-job.
import { toEaselError } from '../core/errors.js';
import type { GenerationRequest } from '../core/ports.js';
import { generateImage } from './pipeline/generate.js';
import type { LoadedPipeline } from './pipeline/loaded-pipeline.js';
import type { ChildMessage } from './protocol.js';

interface RunningJob {
  jobId: string;
  cancelled: boolean;
  ended: Promise<void>;
}

export class GenerationSlot {
  private running: RunningJob | undefined;

  constructor(private readonly send: (message: ChildMessage) => Promise<void>) {}

  /** Resolves once the job has ended and its last message is handed to the channel. */
  async run(pipeline: LoadedPipeline | undefined, request: GenerationRequest): Promise<void> {
    const jobId = typeof request?.jobId === 'string' ? request.jobId : String(request?.jobId);
    if (!pipeline) {
      return this.send({ type: 'job-error', jobId, code: 'NOT_LOADED', message: 'no model is loaded in this runner; load one first' });
    }
    if (this.running) {
      const message = `generation ${this.running.jobId} is still running; this runner does one at a time`;
      return this.send({ type: 'job-error', jobId, code: 'BUSY', message });
    }
    const job: RunningJob = { jobId, cancelled: false, ended: Promise.resolve() };
    this.running = job;
    job.ended = this.execute(pipeline, request, job).finally(() => {
      this.running = undefined;
    });
    return job.ended;
  }

  cancel(jobId: string): void {
    if (this.running?.jobId === jobId) this.running.cancelled = true;
  }

  /** Cancels the job in progress, if any, and resolves once it has ended. */
  stop(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.running.cancelled = true;
    return this.running.ended;
  }

  private async execute(pipeline: LoadedPipeline, request: GenerationRequest, job: RunningJob): Promise<void> {
    try {
      const result = await generateImage(pipeline, request, {
        progress: (progress) => void this.send({ type: 'job-progress', jobId: job.jobId, progress }),
        cancelled: () => job.cancelled,
      });
      await this.send({ type: 'job-done', jobId: job.jobId, result });
    } catch (error) {
      const failure = toEaselError(error, 'GENERATION_FAILED');
      await this.send({ type: 'job-error', jobId: job.jobId, code: failure.code, message: failure.message });
    }
  }
}
