// The parent's side of the one generation call a runner may run (one job, or a batch sharing each UNet run):
// progress to each caller, cancellation through cancel-job and the child's acknowledgement, and the typed rejection
// for every way a job can end badly.
import { EaselError } from '../core/errors.js';
import type { GenerationProgress, GenerationRequest, GenerationResult, RunnerExit } from '../core/ports.js';
import { notify } from './notify.js';
import type { JobMessage, ParentMessage } from './protocol.js';
import { describeExit } from './runner-child.js';

export interface GenerateOptions {
  onProgress?: (progress: GenerationProgress) => void;
  signal?: AbortSignal;
}

interface PendingGeneration {
  jobId: string;
  onProgress: ((progress: GenerationProgress) => void) | undefined;
  resolve: (result: GenerationResult) => void;
  reject: (error: EaselError) => void;
  detach: () => void;
  cancelled: boolean;
  lastStep?: GenerationProgress;
}

/** Codes that describe the request's fate rather than a failure of the generation itself. */
const PASSED_THROUGH = new Set(['BUSY', 'NOT_LOADED']);

export class GenerationCall {
  private readonly pending = new Map<string, PendingGeneration>();

  get busy(): boolean {
    return this.pending.size > 0;
  }

  start(request: GenerationRequest, options: GenerateOptions, send: (message: ParentMessage) => void): Promise<GenerationResult> {
    return this.startBatch([request], [options], send)[0]!;
  }

  /** Several jobs in one call ('generate-batch'); each promise settles as that job ends. */
  startBatch(requests: readonly GenerationRequest[], options: readonly GenerateOptions[], send: (message: ParentMessage) => void): Array<Promise<GenerationResult>> {
    if (this.busy) {
      const message = `generation ${[...this.pending.keys()].join(', ')} is still running on this runner; wait for it or cancel it`;
      return requests.map(() => Promise.reject(new EaselError('BUSY', message)));
    }
    const cancelledEarly = requests.map((request, i) =>
      options[i]?.signal?.aborted ? Promise.reject<GenerationResult>(new EaselError('CANCELLED', `generation ${request.jobId} was cancelled before it started`)) : null,
    );
    const sent: GenerationRequest[] = [];
    const results = requests.map((request, i) => {
      const early = cancelledEarly[i];
      if (early) return early;
      sent.push(request);
      const { signal, onProgress } = options[i] ?? {};
      return new Promise<GenerationResult>((resolve, reject) => {
        const onAbort = (): void => {
          const pending = this.pending.get(request.jobId);
          if (!pending || pending.cancelled) return;
          pending.cancelled = true;
          // Settled by the child's job-error CANCELLED (or by its exit), so the runner is idle once all have ended.
          send({ type: 'cancel-job', jobId: pending.jobId });
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.pending.set(request.jobId, {
          jobId: request.jobId,
          onProgress,
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
          cancelled: false,
        });
      });
    });
    if (sent.length === 1) send({ type: 'generate', request: sent[0]! });
    else if (sent.length > 1) send({ type: 'generate-batch', requests: sent });
    return results;
  }

  onMessage(message: JobMessage): void {
    const pending = this.pending.get(message.jobId);
    if (!pending) return;
    switch (message.type) {
      case 'job-progress':
        pending.lastStep = message.progress;
        if (!pending.cancelled) notify(pending.onProgress, message.progress);
        return;
      case 'job-done':
        this.finish(pending.jobId);
        if (pending.cancelled) pending.reject(this.cancelled(pending, '; it had finished before the cancel reached the runner'));
        else pending.resolve(message.result);
        return;
      case 'job-error': {
        this.finish(pending.jobId);
        if (message.code === 'CANCELLED' || pending.cancelled) return pending.reject(this.cancelled(pending));
        if (PASSED_THROUGH.has(message.code)) return pending.reject(new EaselError(message.code, message.message));
        const cause = new EaselError(message.code, message.message);
        pending.reject(new EaselError('GENERATION_FAILED', message.message, { cause, details: { code: message.code } }));
        return;
      }
    }
  }

  /** The process is gone: `ended` names who ended it, or is undefined when it crashed. */
  abandon(ended: 'stop' | 'kill' | undefined, exit: RunnerExit): void {
    for (const jobId of [...this.pending.keys()]) this.abandonOne(this.finish(jobId)!, ended, exit);
  }

  private abandonOne(pending: PendingGeneration, ended: 'stop' | 'kill' | undefined, exit: RunnerExit): void {
    const at = pending.lastStep ? ` at step ${pending.lastStep.step} of ${pending.lastStep.totalSteps}` : '';
    if (ended || pending.cancelled) {
      pending.reject(new EaselError('CANCELLED', `generation ${pending.jobId} was ended by ${ended ?? 'cancel'}()${at}`));
      return;
    }
    const message = `the runner process ${describeExit(exit)} during generation ${pending.jobId}${at}`;
    pending.reject(new EaselError('RUNNER_CRASHED', message, { details: { ...exit } }));
  }

  private finish(jobId: string): PendingGeneration | undefined {
    const pending = this.pending.get(jobId);
    this.pending.delete(jobId);
    pending?.detach();
    return pending;
  }

  private cancelled(pending: PendingGeneration, note = ''): EaselError {
    const at = pending.lastStep ? `after step ${pending.lastStep.step} of ${pending.lastStep.totalSteps}` : 'before its first step';
    return new EaselError('CANCELLED', `generation ${pending.jobId} was cancelled ${at}${note}`, {
      details: pending.lastStep ? { step: pending.lastStep.step, totalSteps: pending.lastStep.totalSteps } : {},
    });
  }
}
