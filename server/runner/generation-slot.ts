// The runner process's generation slot: runs one call at a time (one job, or a batch of jobs sharing each UNet
// run), reports each job over IPC under its own id, and honours cancel-job per job.
import type { GenerationRequest } from '../core/ports.js';
import { generateImages } from './pipeline/generate-batch.js';
import type { LoadedPipeline } from './pipeline/loaded-pipeline.js';
import type { ChildMessage } from './protocol.js';

interface RunningCall {
  /** Job id → cancelled. */
  jobs: Map<string, boolean>;
  ended: Promise<void>;
}

const jobIdOf = (request: GenerationRequest): string => (typeof request?.jobId === 'string' ? request.jobId : String(request?.jobId));

export class GenerationSlot {
  private running: RunningCall | undefined;

  constructor(private readonly send: (message: ChildMessage) => Promise<void>) {}

  /** Resolves once every job has ended and its last message is handed to the channel. */
  async run(pipeline: LoadedPipeline | undefined, requests: GenerationRequest[]): Promise<void> {
    const ids = requests.map(jobIdOf);
    if (!pipeline) {
      await Promise.all(ids.map((jobId) => this.send({ type: 'job-error', jobId, code: 'NOT_LOADED', message: 'no model is loaded in this runner; load one first' })));
      return;
    }
    if (this.running) {
      const message = `generation ${[...this.running.jobs.keys()].join(', ')} is still running; this runner does one call at a time`;
      await Promise.all(ids.map((jobId) => this.send({ type: 'job-error', jobId, code: 'BUSY', message })));
      return;
    }
    const call: RunningCall = { jobs: new Map(ids.map((id) => [id, false])), ended: Promise.resolve() };
    this.running = call;
    call.ended = this.execute(pipeline, requests, ids, call).finally(() => {
      this.running = undefined;
    });
    return call.ended;
  }

  cancel(jobId: string): void {
    if (this.running?.jobs.has(jobId)) this.running.jobs.set(jobId, true);
  }

  /** Cancels the jobs in progress, if any, and resolves once they have ended. */
  stop(): Promise<void> {
    if (!this.running) return Promise.resolve();
    for (const id of this.running.jobs.keys()) this.running.jobs.set(id, true);
    return this.running.ended;
  }

  private async execute(pipeline: LoadedPipeline, requests: GenerationRequest[], ids: string[], call: RunningCall): Promise<void> {
    const outcomes = await generateImages(
      pipeline,
      requests,
      ids.map((jobId) => ({
        progress: (progress) => void this.send({ type: 'job-progress', jobId, progress }),
        cancelled: () => call.jobs.get(jobId) === true,
      })),
    );
    for (const [i, outcome] of outcomes.entries()) {
      const jobId = ids[i]!;
      if (outcome.ok) await this.send({ type: 'job-done', jobId, result: outcome.result });
      else await this.send({ type: 'job-error', jobId, code: outcome.error.code, message: outcome.error.message });
    }
  }
}
