// The parent's side of the one generation a runner may run: progress to the caller, cancellation through
// cancel-job and the child's acknowledgement, and the typed rejection for every way a job can end badly.
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
  private pending: PendingGeneration | undefined;

  get busy(): boolean {
    return this.pending !== undefined;
  }

  start(request: GenerationRequest, options: GenerateOptions, send: (message: ParentMessage) => void): Promise<GenerationResult> {
    if (this.pending) {
      const message = `generation ${this.pending.jobId} is still running on this runner; wait for it or cancel it`;
      return Promise.reject(new EaselError('BUSY', message));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new EaselError('CANCELLED', `generation ${request.jobId} was cancelled before it started`));
    return new Promise<GenerationResult>((resolve, reject) => {
      const onAbort = (): void => {
        const pending = this.pending;
        if (!pending || pending.cancelled) return;
        pending.cancelled = true;
        // Settled by the child's job-error CANCELLED (or by its exit), so the runner is idle once this rejects.
        send({ type: 'cancel-job', jobId: pending.jobId });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        jobId: request.jobId,
        onProgress: options.onProgress,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
        cancelled: false,
      };
      send({ type: 'generate', request });
    });
  }

  onMessage(message: JobMessage): void {
    const pending = this.pending;
    if (!pending || message.jobId !== pending.jobId) return;
    switch (message.type) {
      case 'job-progress':
        pending.lastStep = message.progress;
        if (!pending.cancelled) notify(pending.onProgress, message.progress);
        return;
      case 'job-done':
        this.finish();
        if (pending.cancelled) pending.reject(this.cancelled(pending, '; it had finished before the cancel reached the runner'));
        else pending.resolve(message.result);
        return;
      case 'job-error': {
        this.finish();
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
    const pending = this.finish();
    if (!pending) return;
    const at = pending.lastStep ? ` at step ${pending.lastStep.step} of ${pending.lastStep.totalSteps}` : '';
    if (ended || pending.cancelled) {
      pending.reject(new EaselError('CANCELLED', `generation ${pending.jobId} was ended by ${ended ?? 'cancel'}()${at}`));
      return;
    }
    const message = `the runner process ${describeExit(exit)} during generation ${pending.jobId}${at}`;
    pending.reject(new EaselError('RUNNER_CRASHED', message, { details: { ...exit } }));
  }

  private finish(): PendingGeneration | undefined {
    const pending = this.pending;
    this.pending = undefined;
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
