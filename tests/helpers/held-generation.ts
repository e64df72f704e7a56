// A generation a fake runner holds in 'held' mode: the test reports its steps, completes or fails it.
import { EaselError } from '../../server/core/errors.js';
import type { GenerationProgress, GenerationRequest, GenerationResult } from '../../server/core/ports.js';

/** A generation in 'held' mode, driven by the test; an aborted signal rejects it CANCELLED at once (within a step). */
export class HeldGeneration {
  /** Steps reported so far. */
  step = 0;
  settled: 'done' | 'failed' | 'cancelled' | 'ended' | null = null;

  constructor(
    readonly request: GenerationRequest,
    private readonly onProgress: ((progress: GenerationProgress) => void) | undefined,
    private readonly resolve: (result: GenerationResult) => void,
    private readonly reject: (error: EaselError) => void,
  ) {}

  /** Reports `count` more steps, the last of them with `previewPngBase64` if given. */
  advance(count = 1, previewPngBase64?: string): void {
    this.requireActive();
    for (let i = 0; i < count; i += 1) {
      if (this.step >= this.request.steps) throw new Error(`generation ${this.request.jobId} has no step left to report`);
      this.step += 1;
      const progress: GenerationProgress = { step: this.step, totalSteps: this.request.steps };
      if (previewPngBase64 !== undefined && i === count - 1) progress.previewPngBase64 = previewPngBase64;
      this.onProgress?.(progress);
    }
  }

  /** Reports the remaining steps and resolves with the requested output path and `runMs` of onnxruntime time. */
  complete(runMs = 0): void {
    this.advance(this.request.steps - this.step);
    this.settle('done');
    this.resolve({ outputPath: this.request.outputPath, runMs, totalMs: runMs });
  }

  fail(message = 'onnxruntime: unet run failed'): void {
    this.requireActive();
    this.settle('failed');
    this.reject(new EaselError('GENERATION_FAILED', message));
  }

  /** Ends it from the runner's side (abort, exit); no-op once settled. */
  end(how: 'cancelled' | 'ended', error: EaselError): void {
    if (this.settled) return;
    this.settle(how);
    this.reject(error);
  }

  private settle(how: NonNullable<HeldGeneration['settled']>): void {
    this.requireActive();
    this.settled = how;
  }

  private requireActive(): void {
    if (this.settled) throw new Error(`generation ${this.request.jobId} has already ended (${this.settled})`);
  }
}
