// Starts model loads in a runner and settles them: one load in flight at a time, identified by an epoch so
// that the late result of a cancelled or superseded load is discarded. Every method but start()'s
// background work runs inside the ModelManager's command queue.
import { EaselError, toEaselError } from './errors.js';
import type { CommandQueue } from './command-queue.js';
import type { ModelStatus, StateMachine, TransitionContext } from './lifecycle/state-machine.js';
import type { PipelineHolder } from './pipeline-holder.js';
import type { ReleaseReport, ResourceReleaser } from './resource-releaser.js';
import type { DevicePreference, LoadedModel, Logger, ModelLookup, Runner, RunnerExit, RunnerFactory } from './ports.js';

interface InFlightLoad {
  epoch: number;
  modelId: string;
  modelPath: string;
  context: TransitionContext;
  runner: Runner;
  controller: AbortController;
  done: Promise<ModelStatus>;
  resolve(status: ModelStatus): void;
  reject(error: EaselError): void;
}

export interface LoaderDeps {
  queue: CommandQueue;
  machine: StateMachine;
  holder: PipelineHolder;
  releaser: ResourceReleaser;
  runners: RunnerFactory;
  models: ModelLookup;
  device: DevicePreference;
  defaultSampler: string;
  logger: Logger;
}

export function releaseDetails(report: ReleaseReport): Record<string, unknown> {
  return { ...report, exit: { ...report.exit } };
}

export class Loader {
  private epoch = 0;
  private inFlight: InFlightLoad | null = null;

  constructor(private readonly deps: LoaderDeps) {}

  /** The model being loaded, if any. */
  loadingModelId(): string | null {
    return this.inFlight?.modelId ?? null;
  }

  /** The completion of the load in flight for `modelId`, so a repeated request joins instead of loading twice. */
  join(modelId: string): Promise<ModelStatus> | null {
    return this.inFlight?.modelId === modelId ? this.inFlight.done : null;
  }

  /** Called once LOAD_REQUESTED has been applied. Spawns the runner; returns the load's completion. */
  start(model: { id: string; path: string }, context: TransitionContext): Promise<ModelStatus> {
    const { runners, device, machine, queue } = this.deps;
    const epoch = ++this.epoch;
    const runner = runners.spawn();
    const controller = new AbortController();
    let resolve!: (status: ModelStatus) => void;
    let reject!: (error: EaselError) => void;
    const done = new Promise<ModelStatus>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be awaiting a superseded load; its rejection must not become an unhandled one.
    done.catch(() => undefined);
    this.inFlight = { epoch, modelId: model.id, modelPath: model.path, context, runner, controller, done, resolve, reject };

    runner.onUnexpectedExit((exit) => {
      void queue.run(() => this.onRunnerExit(epoch, exit)).catch((error) => this.deps.logger.error('runner exit handling failed', { error: String(error) }));
    });
    runner
      .load(
        { modelPath: model.path, device },
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
      .catch((error) => this.deps.logger.error('settling a load failed', { error: String(error) }));
    return done;
  }

  /**
   * Stops the load in flight: kills its runner at once, records LOAD_CANCELLED and rejects its callers with
   * `code` (CANCELLED, or SUPERSEDED when another model was asked for). Returns false when nothing was loading.
   */
  async cancel(code: 'CANCELLED' | 'SUPERSEDED', context: TransitionContext, message: string): Promise<boolean> {
    const load = this.inFlight;
    if (!load) return false;
    this.inFlight = null;
    load.controller.abort();
    const report = await this.deps.releaser.release(load.runner, 'kill');
    await this.deps.machine.apply('LOAD_CANCELLED', context, { error: message, details: releaseDetails(report) });
    load.reject(new EaselError(code, message, { details: { modelId: load.modelId } }));
    return true;
  }

  private async settle(epoch: number, loaded: LoadedModel | null, error: EaselError | null): Promise<void> {
    const load = this.inFlight;
    if (!load || load.epoch !== epoch) return; // a cancelled or superseded load: its runner is already gone
    this.inFlight = null;
    const { machine, holder, models, releaser, defaultSampler, logger } = this.deps;
    if (loaded) {
      const status = await machine.apply('LOAD_COMPLETED', load.context, {
        device: loaded.device,
        details: loaded.deviceNote ? { deviceNote: loaded.deviceNote } : null,
      });
      holder.set({ modelId: load.modelId, modelPath: load.modelPath, epoch, runner: load.runner, model: loaded, sampler: defaultSampler });
      await models.recordLoaded(load.modelId, status.at).catch((cause) => logger.warn('could not record the load', { cause: String(cause) }));
      load.resolve(machine.snapshot());
      return;
    }
    const failure = error ?? new EaselError('LOAD_FAILED', 'The load failed for an unknown reason');
    const report = await releaser.release(load.runner, 'kill');
    await machine.apply('LOAD_FAILED', load.context, { error: failure.message, details: releaseDetails(report) });
    const code = failure.code === 'RUNNER_CRASHED' ? 'RUNNER_CRASHED' : 'LOAD_FAILED';
    load.reject(new EaselError(code, `Loading "${load.modelId}" failed: ${failure.message}`, { cause: failure }));
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
      { error: `The runner of "${pipeline.modelId}" stopped unexpectedly (${how})`, details: { exit: { ...exit } } },
    );
  }
}
