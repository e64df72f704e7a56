// Starts one model's loads in a runner and settles them: one load in flight per model, identified by an epoch
// so that the late result of a cancelled or timed-out load is discarded. A load that runs past the load timeout
// is killed. Every method but start()'s background work runs inside the ModelManager's command queue.
import { EaselError, toEaselError } from './errors.js';
import type { CommandQueue } from './command-queue.js';
import type { ModelStatus, StateMachine, TransitionContext } from './lifecycle/state-machine.js';
import type { PipelineHolder } from './pipeline-holder.js';
import { memoryWithin, type ReleaseReport, type ResourceReleaser } from './resource-releaser.js';
import type { DevicePreference, LoadedModel, Logger, Runner, RunnerExit, RunnerFactory, RunnerMemory } from './ports.js';

interface InFlightLoad {
  epoch: number;
  modelPath: string;
  context: TransitionContext;
  runner: Runner;
  controller: AbortController;
  timer: NodeJS.Timeout | undefined;
  estimatedBytes: number;
  done: Promise<ModelStatus>;
  resolve(status: ModelStatus): void;
  reject(error: EaselError): void;
}

/** What a completed load measured. */
export interface LoadMeasurement {
  /** Runner RSS on CPU, device memory on a GPU; null when the runner could not say. */
  memoryBytes: number | null;
}

export interface LoaderDeps {
  modelId: string;
  queue: CommandQueue;
  machine: StateMachine;
  holder: PipelineHolder;
  releaser: ResourceReleaser;
  runners: RunnerFactory;
  device: DevicePreference;
  defaultSampler: string;
  logger: Logger;
  /** A load still running after this long is killed and fails (EASEL_LOAD_TIMEOUT). */
  loadTimeoutMs: number;
  /** Called inside the queue once LOAD_COMPLETED is recorded. */
  onLoaded(measurement: LoadMeasurement, at: Date): Promise<void>;
  /** Called inside the queue when the loaded model's runner died on its own. */
  onCrashed(): void;
}

export function releaseDetails(report: ReleaseReport): Record<string, unknown> {
  return { ...report, exit: { ...report.exit } };
}

/** The figure the budget counts: device memory on a GPU, the process's resident set on CPU. */
export function residentBytes(memory: RunnerMemory | undefined, device: string): number | null {
  if (!memory) return null;
  return device !== 'cpu' && memory.gpuBytes !== undefined ? memory.gpuBytes : memory.rssBytes;
}

const MEMORY_QUERY_MS = 2000;

export class Loader {
  private epoch = 0;
  private inFlight: InFlightLoad | null = null;

  constructor(private readonly deps: LoaderDeps) {}

  get loading(): boolean {
    return this.inFlight !== null;
  }

  /** The completion of the load in flight, so a repeated request joins instead of loading twice. */
  join(): Promise<ModelStatus> | null {
    return this.inFlight?.done ?? null;
  }

  /** Called once LOAD_REQUESTED has been applied. Spawns the runner; returns the load's completion. */
  start(modelPath: string, context: TransitionContext, estimatedBytes: number): Promise<ModelStatus> {
    const { runners, device, machine, queue, loadTimeoutMs, logger } = this.deps;
    const epoch = ++this.epoch;
    const runner = runners.spawn();
    const controller = new AbortController();
    let resolve!: (status: ModelStatus) => void;
    let reject!: (error: EaselError) => void;
    const done = new Promise<ModelStatus>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be awaiting a cancelled load; its rejection must not become an unhandled one.
    done.catch(() => undefined);
    const timer = setTimeout(() => {
      void queue.run(() => this.timeOut(epoch)).catch((error) => logger.error('load timeout handling failed', { error: String(error) }));
    }, loadTimeoutMs);
    timer.unref();
    this.inFlight = { epoch, modelPath, context, runner, controller, timer, estimatedBytes, done, resolve, reject };

    runner.onUnexpectedExit((exit) => {
      void queue.run(() => this.onRunnerExit(epoch, exit)).catch((error) => logger.error('runner exit handling failed', { error: String(error) }));
    });
    runner
      .load(
        { modelPath, device },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            if (this.inFlight?.epoch === epoch) machine.setLoadProgress(progress);
          },
        },
      )
      .then(
        (loaded) => queue.run(() => this.settle(epoch, loaded, null)),
        (error: unknown) => queue.run(() => this.settle(epoch, null, toEaselError(error, 'LOAD_FAILED'))),
      )
      .catch((error) => logger.error('settling a load failed', { error: String(error) }));
    return done;
  }

  /**
   * Stops the load in flight: kills its runner at once, records LOAD_CANCELLED and rejects its callers with
   * CANCELLED. Returns false when nothing was loading.
   */
  async cancel(context: TransitionContext, message: string): Promise<boolean> {
    const load = this.take();
    if (!load) return false;
    load.controller.abort();
    const report = await this.deps.releaser.release(load.runner, 'kill');
    await this.deps.machine.apply('LOAD_CANCELLED', context, { error: message, details: releaseDetails(report) });
    load.reject(new EaselError('CANCELLED', message, { details: { modelId: this.deps.modelId } }));
    return true;
  }

  private take(): InFlightLoad | null {
    const load = this.inFlight;
    this.inFlight = null;
    if (load) clearTimeout(load.timer);
    return load;
  }

  private async timeOut(epoch: number): Promise<void> {
    if (this.inFlight?.epoch !== epoch) return;
    const seconds = Math.round(this.deps.loadTimeoutMs / 1000);
    await this.fail(this.take()!, new EaselError('LOAD_FAILED', `the load took longer than ${seconds} s (EASEL_LOAD_TIMEOUT) and was stopped`));
  }

  private async settle(epoch: number, loaded: LoadedModel | null, error: EaselError | null): Promise<void> {
    if (this.inFlight?.epoch !== epoch) return; // a cancelled or timed-out load: its runner is already gone
    const load = this.take()!;
    if (!loaded) {
      await this.fail(load, error ?? new EaselError('LOAD_FAILED', 'The load failed for an unknown reason'));
      return;
    }
    const { machine, holder, defaultSampler, modelId } = this.deps;
    const memory = await memoryWithin(load.runner, MEMORY_QUERY_MS);
    const memoryBytes = residentBytes(memory, loaded.device);
    const details: Record<string, unknown> = { estimatedBytes: load.estimatedBytes, memoryBytes, memorySource: memoryBytes === null ? 'estimated' : 'measured' };
    if (memory) details.runnerMemory = { ...memory };
    if (loaded.deviceNote) details.deviceNote = loaded.deviceNote;
    const record = await machine.apply('LOAD_COMPLETED', load.context, { device: loaded.device, details });
    holder.set({ modelId, modelPath: load.modelPath, epoch, runner: load.runner, model: loaded, sampler: defaultSampler });
    await this.deps.onLoaded({ memoryBytes }, record.at);
    load.resolve(machine.snapshot());
  }

  private async fail(load: InFlightLoad, failure: EaselError): Promise<void> {
    load.controller.abort();
    const report = await this.deps.releaser.release(load.runner, 'kill');
    await this.deps.machine.apply('LOAD_FAILED', load.context, { error: failure.message, details: releaseDetails(report) });
    // A crash and a folder that escapes its root say so; any other failure of the load is LOAD_FAILED.
    const code = failure.code === 'RUNNER_CRASHED' || failure.code === 'PATH_OUTSIDE_ROOTS' ? failure.code : 'LOAD_FAILED';
    load.reject(new EaselError(code, `Loading "${this.deps.modelId}" failed: ${failure.message}`, { cause: failure }));
  }

  private async onRunnerExit(epoch: number, exit: RunnerExit): Promise<void> {
    // While loading, the runner's load() rejects on its own and settle() records the failure.
    const pipeline = this.deps.holder.get();
    if (!pipeline || pipeline.epoch !== epoch || this.deps.machine.state !== 'LOADED') return;
    this.deps.holder.take();
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    await this.deps.machine.apply(
      'RUNNER_CRASHED',
      { actor: 'system' },
      { error: `The runner of "${this.deps.modelId}" stopped unexpectedly (${how})`, details: { exit: { ...exit } } },
    );
    this.deps.onCrashed();
  }
}
