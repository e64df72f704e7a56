// A job's hold on a resident model, handed out by the facade (like a reference count on a runner). While any
// lease is held the model is never unloaded or evicted; an explicit unload aborts the lease's signal and waits
// for its release. The holder generates through the lease and never sees the runner itself.
import { EaselError } from './errors.js';
import type { LoadedPipeline } from './pipeline-holder.js';
import type { GenerationProgress, GenerationRequest, GenerationResult, LoadedModel } from './ports.js';

export class Lease {
  private released = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly pipeline: LoadedPipeline,
    private readonly onRelease: (lease: Lease) => void,
  ) {}

  get modelId(): string {
    return this.pipeline.modelId;
  }

  /** The loaded model's configs and tensor contract. */
  get model(): LoadedModel {
    return this.pipeline.model;
  }

  get sampler(): string {
    return this.pipeline.sampler;
  }

  /** Aborted when the model must go (an explicit unload): the holder should stop and release. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Runs one generation on the leased model's runner; rejects CANCELLED once `signal` or the lease aborts. */
  generate(request: GenerationRequest, options: { onProgress?: (progress: GenerationProgress) => void; signal?: AbortSignal }): Promise<GenerationResult> {
    if (this.released) return Promise.reject(new EaselError('INTERNAL', `The lease on "${this.modelId}" was already released`));
    const signal = options.signal ? AbortSignal.any([options.signal, this.controller.signal]) : this.controller.signal;
    return this.pipeline.runner.generate(request, { ...options, signal });
  }

  /**
   * Several generations sharing each UNet run (see RunnerHandle.generateBatch); one by one, in order, when the
   * runner can't batch. Each settles on its own.
   */
  generateBatch(requests: readonly GenerationRequest[], options: ReadonlyArray<{ onProgress?: (progress: GenerationProgress) => void; signal?: AbortSignal }>): Array<Promise<GenerationResult>> {
    if (this.released) return requests.map(() => Promise.reject(new EaselError('INTERNAL', `The lease on "${this.modelId}" was already released`)));
    const withLease = options.map((o) => ({ ...o, signal: o.signal ? AbortSignal.any([o.signal, this.controller.signal]) : this.controller.signal }));
    const { runner } = this.pipeline;
    if (runner.generateBatch && requests.length > 1) return runner.generateBatch(requests, withLease);
    let previous: Promise<unknown> = Promise.resolve();
    return requests.map((request, i) => {
      const result = previous.then(() => runner.generate(request, withLease[i]!));
      previous = result.catch(() => undefined);
      return result;
    });
  }

  /** Called by the facade: the model is being unloaded on request. */
  revoke(reason: string): void {
    this.controller.abort(new EaselError('CANCELLED', reason));
  }

  /** Gives the model back; idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }
}
