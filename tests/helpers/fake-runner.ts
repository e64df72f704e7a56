// A fake RunnerFactory whose runners are driven by the test: loads hang until completed, failed or crashed,
// generations run at once or (option 'held') step by step as the test says, and every process (fake pid) is
// recorded alive or ended, so a test can assert that no runner is left alive.
import { EaselError } from '../../server/core/errors.js';
import type { ProcessProbe } from '../../server/core/resource-releaser.js';
import { HeldGeneration } from './held-generation.js';
import type {
  GenerationProgress,
  GenerationRequest,
  GenerationResult,
  LoadProgress,
  LoadRequest,
  LoadedModel,
  Runner,
  RunnerExit,
  RunnerFactory,
  RunnerMemory,
} from '../../server/core/ports.js';

export type RunnerEnd = 'stop' | 'kill' | 'crash';

export interface FakeRunnerOptions {
  /** False simulates a result already on its way: an aborted load neither rejects nor stops a later complete(). */
  honourAbort: boolean;
  /** What stop() does: exit cleanly, reject while the process stays alive, or wait for finishStop(). */
  stop: 'exit' | 'fail' | 'hold';
  rssBytes: number;
  /** 'instant': generate() reports every step and resolves at once; 'held': it waits for the test (see HeldGeneration). */
  generation: 'instant' | 'held';
  /** True: the runner has generateBatch (each request runs as generate() would, all at once); false: it can't batch. */
  batch: boolean;
}

export function fakeLoadedModel(overrides: Partial<LoadedModel> = {}): LoadedModel {
  return {
    sampleSize: 64,
    vaeScaleFactor: 8,
    vaeScalingFactor: 0.18215,
    latentChannels: 4,
    tokenizerMaxLength: 77,
    parts: [],
    hasVaeEncoder: false,
    schedulerConfig: {},
    device: 'cpu',
    ...overrides,
  };
}

interface PendingLoad {
  request: LoadRequest;
  onProgress: ((progress: LoadProgress) => void) | undefined;
  resolve(model: LoadedModel): void;
  reject(error: EaselError): void;
}

export class FakeRunner implements Runner {
  readonly requests: LoadRequest[] = [];
  readonly generations: GenerationRequest[] = [];
  /** 'held' mode: every generation asked for, in order; the most generate() calls ever in progress at once. */
  readonly held: HeldGeneration[] = [];
  maxConcurrentGenerations = 0;
  /** Set once a load has completed. */
  loaded: LoadedModel | null = null;
  ended: RunnerEnd | null = null;
  exit: RunnerExit | null = null;
  private pending: PendingLoad | null = null;
  private heldStop: (() => void) | null = null;
  private readonly exitListeners: Array<(exit: RunnerExit) => void> = [];
  /** Every generateBatch() call's requests, in order ('batch' option only). */
  readonly batches: GenerationRequest[][] = [];
  readonly generateBatch?: NonNullable<Runner['generateBatch']>;

  constructor(
    readonly pid: number,
    private readonly options: FakeRunnerOptions,
  ) {
    if (options.batch) {
      this.generateBatch = (requests, batchOptions) => {
        this.batches.push([...requests]);
        return requests.map((request, i) => this.generate(request, batchOptions[i] ?? {}));
      };
    }
  }

  get alive(): boolean {
    return this.ended === null;
  }

  /** True while a load has been asked for and has neither completed nor failed. */
  get loading(): boolean {
    return this.pending !== null;
  }

  load(request: LoadRequest, options: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal }): Promise<LoadedModel> {
    this.requests.push(request);
    if (!this.alive) return Promise.reject(new EaselError('RUNNER_CRASHED', `fake runner ${this.pid} has already exited`));
    return new Promise<LoadedModel>((resolve, reject) => {
      this.pending = { request, onProgress: options.onProgress, resolve, reject };
      options.signal?.addEventListener('abort', () => {
        if (!this.options.honourAbort) return;
        this.end('kill', { code: null, signal: 'SIGKILL' });
        this.settle()?.reject(new EaselError('CANCELLED', `fake runner ${this.pid}: load aborted`));
      });
    });
  }

  /** The held generation in progress, if any. */
  get generating(): HeldGeneration | undefined {
    return this.held.find((generation) => generation.settled === null);
  }

  /** The held generation in progress; throws when none is. */
  requireGenerating(): HeldGeneration {
    const generation = this.generating;
    if (!generation) throw new Error(`fake runner ${this.pid} has no generation in progress`);
    return generation;
  }

  /**
   * 'instant': reports every step at once and answers with the requested output path. 'held': waits for the
   * test to advance, complete or fail it. Either way a runner without a model refuses.
   */
  generate(
    request: GenerationRequest,
    options: { onProgress?: (progress: GenerationProgress) => void; signal?: AbortSignal },
  ): Promise<GenerationResult> {
    this.generations.push(request);
    if (!this.alive || !this.loaded) return Promise.reject(new EaselError('GENERATION_FAILED', `fake runner ${this.pid} has no model loaded`));
    if (this.options.generation === 'held') return this.hold(request, options);
    for (let step = 1; step <= request.steps; step += 1) {
      if (options.signal?.aborted) return Promise.reject(new EaselError('CANCELLED', `fake runner ${this.pid}: generation aborted`));
      options.onProgress?.({ step, totalSteps: request.steps });
    }
    return Promise.resolve({ outputPath: request.outputPath, runMs: 0, totalMs: 0 });
  }

  private hold(request: GenerationRequest, options: { onProgress?: (progress: GenerationProgress) => void; signal?: AbortSignal }): Promise<GenerationResult> {
    const aborted = () => new EaselError('CANCELLED', `fake runner ${this.pid}: generation ${request.jobId} aborted`);
    if (options.signal?.aborted) return Promise.reject(aborted());
    return new Promise<GenerationResult>((resolve, reject) => {
      const generation = new HeldGeneration(request, options.onProgress, resolve, reject);
      this.held.push(generation);
      this.maxConcurrentGenerations = Math.max(this.maxConcurrentGenerations, this.held.filter((g) => g.settled === null).length);
      options.signal?.addEventListener('abort', () => generation.end('cancelled', aborted()), { once: true });
    });
  }

  /** What memory() reports from now on, instead of the factory's rssBytes (a runner that grew by generating). */
  rssBytes: number | null = null;

  memory(): Promise<RunnerMemory> {
    if (!this.alive) return Promise.reject(new Error(`fake runner ${this.pid} has exited`));
    return Promise.resolve({ rssBytes: this.rssBytes ?? this.options.rssBytes });
  }

  stop(): Promise<RunnerExit> {
    if (this.exit) return Promise.resolve(this.exit);
    if (this.options.stop === 'fail') return Promise.reject(new Error(`fake runner ${this.pid} did not answer the stop request`));
    if (this.options.stop === 'hold') {
      return new Promise<RunnerExit>((resolve) => {
        this.heldStop = () => resolve(this.end('stop', { code: 0, signal: null }));
      });
    }
    return Promise.resolve(this.end('stop', { code: 0, signal: null }));
  }

  /** Lets a stop() held by the 'hold' option end: the process exits cleanly. */
  finishStop(): void {
    if (!this.heldStop) throw new Error(`fake runner ${this.pid} has no stop held`);
    this.heldStop();
    this.heldStop = null;
  }

  kill(): Promise<RunnerExit> {
    if (this.exit) return Promise.resolve(this.exit);
    const exit = this.end('kill', { code: null, signal: 'SIGKILL' });
    if (this.options.honourAbort) this.settle()?.reject(new EaselError('CANCELLED', `fake runner ${this.pid} was killed mid-load`));
    return Promise.resolve(exit);
  }

  onUnexpectedExit(listener: (exit: RunnerExit) => void): void {
    this.exitListeners.push(listener);
  }

  /** Reports load progress for part `index` of `count`, as the real runner does after opening each part. */
  progress(index: number, count = 4): void {
    const parts = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'] as const;
    this.requirePending().onProgress?.({ part: parts[index % parts.length]!, index, count, fraction: (index + 1) / count });
  }

  complete(overrides: Partial<LoadedModel> = {}): void {
    this.requirePending();
    this.loaded = fakeLoadedModel(overrides);
    this.settle()?.resolve(this.loaded);
  }

  fail(message = 'unet/model.onnx is not a valid ONNX file'): void {
    this.requirePending();
    this.settle()?.reject(new EaselError('LOAD_FAILED', message));
  }

  /** The process dies on its own: a pending load rejects with RUNNER_CRASHED and the exit listeners are told. */
  crash(exit: RunnerExit = { code: null, signal: 'SIGSEGV' }): void {
    if (!this.alive) throw new Error(`fake runner ${this.pid} cannot crash: it has already ended (${this.ended})`);
    this.end('crash', exit);
    this.settle()?.reject(new EaselError('RUNNER_CRASHED', `fake runner ${this.pid} exited during the load`));
    for (const listener of this.exitListeners) listener(exit);
  }

  private end(how: RunnerEnd, exit: RunnerExit): RunnerExit {
    if (!this.exit) {
      this.ended = how;
      this.exit = exit;
      // As the process runner does: a generation in flight is rejected once its process is gone.
      const error =
        how === 'crash'
          ? new EaselError('RUNNER_CRASHED', `fake runner ${this.pid} exited (${exit.signal ?? `code ${exit.code}`}) during a generation`)
          : new EaselError('CANCELLED', `fake runner ${this.pid}: the generation was ended by ${how}()`);
      this.generating?.end('ended', error);
      // As a real process does: a stop in progress ends once the process is gone, whatever ended it.
      const stopping = this.heldStop;
      this.heldStop = null;
      stopping?.();
    }
    return this.exit;
  }

  private settle(): PendingLoad | null {
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  private requirePending(): PendingLoad {
    if (!this.pending) throw new Error(`fake runner ${this.pid} has no load pending`);
    return this.pending;
  }
}

export class FakeRunnerFactory implements RunnerFactory {
  readonly runners: FakeRunner[] = [];
  /** The most runners ever alive at once, counted at each spawn. */
  maxAlive = 0;
  private nextPid = 4101;
  readonly options: FakeRunnerOptions;

  constructor(options: Partial<FakeRunnerOptions> = {}) {
    this.options = { honourAbort: true, stop: 'exit', rssBytes: 512 * 1024 * 1024, generation: 'instant', batch: false, ...options };
  }

  spawn(): FakeRunner {
    const runner = new FakeRunner(this.nextPid++, this.options);
    this.runners.push(runner);
    this.maxAlive = Math.max(this.maxAlive, this.alive().length);
    return runner;
  }

  alive(): FakeRunner[] {
    return this.runners.filter((runner) => runner.alive);
  }

  /** The runner spawned most recently; throws when none has been. */
  latest(): FakeRunner {
    const runner = this.runners.at(-1);
    if (!runner) throw new Error('no fake runner has been spawned');
    return runner;
  }

  /** The runner with a load pending, if any. */
  loading(): FakeRunner | undefined {
    return this.runners.find((runner) => runner.loading);
  }

  /** A ProcessProbe that knows the fake pids: a process exists until its runner has ended. */
  readonly probe: ProcessProbe = {
    exists: (pid) => this.runners.some((runner) => runner.pid === pid && runner.alive),
  };
}
