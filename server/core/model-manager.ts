// The facade every client goes through: lifecycle commands are serialized in one queue and delegated to the
// state machine, loader, pipeline holder and resource releaser.
import { CommandQueue } from './command-queue.js';
import { EaselError, toEaselError } from './errors.js';
import { StateMachine, type ModelStatus, type TransitionContext } from './lifecycle/state-machine.js';
import { Loader, releaseDetails } from './loader.js';
import { PipelineHolder, type LoadedPipeline } from './pipeline-holder.js';
import { ResourceReleaser } from './resource-releaser.js';
import type { AuditLog, Clock, DevicePreference, Logger, ModelLookup, RunnerFactory } from './ports.js';

export interface ModelManagerDeps {
  runners: RunnerFactory;
  audit: AuditLog;
  models: ModelLookup;
  device: DevicePreference;
  defaultSampler: string;
  logger: Logger;
  clock?: Clock;
  releaser?: ResourceReleaser;
  queueLimit?: number;
}

const systemClock: Clock = { now: () => new Date() };

export class ModelManager {
  private readonly queue: CommandQueue;
  private readonly machine: StateMachine;
  private readonly holder = new PipelineHolder();
  private readonly loader: Loader;
  private readonly releaser: ResourceReleaser;
  private unloading: Promise<ModelStatus> | null = null;

  constructor(private readonly deps: ModelManagerDeps) {
    this.queue = new CommandQueue(deps.queueLimit);
    this.machine = new StateMachine(deps.audit, deps.clock ?? systemClock, deps.logger);
    this.releaser = deps.releaser ?? new ResourceReleaser(deps.logger);
    this.loader = new Loader({
      queue: this.queue,
      machine: this.machine,
      holder: this.holder,
      releaser: this.releaser,
      runners: deps.runners,
      models: deps.models,
      device: deps.device,
      defaultSampler: deps.defaultSampler,
      logger: deps.logger,
    });
  }

  /** Recovers from a crash: a state other than IDLE left in the audit log becomes IDLE, recorded. */
  start(): Promise<void> {
    return this.queue.run(async () => {
      const last = await this.deps.audit.last();
      if (!last || last.to === 'IDLE') return;
      this.machine.restore(last);
      await this.machine.apply('RECOVERED_AFTER_RESTART', { actor: 'system' }, { modelId: last.modelId });
    });
  }

  status(): ModelStatus {
    return this.machine.snapshot();
  }

  /** Calls `listener` on every change of status (transitions and load progress). Returns the unsubscribe. */
  subscribe(listener: (status: ModelStatus) => void): () => void {
    return this.machine.subscribe(listener);
  }

  pipeline(): LoadedPipeline | null {
    return this.holder.get();
  }

  setSampler(sampler: string): Promise<void> {
    return this.queue.run(() => this.holder.setSampler(sampler));
  }

  /**
   * Resolves once `modelId` is LOADED. The same model asked for again joins the load in flight; another model
   * supersedes it (its callers get SUPERSEDED); a loaded model is unloaded first.
   */
  async load(modelId: string, context: TransitionContext): Promise<ModelStatus> {
    const { done } = await this.queue.run(() => this.beginLoad(modelId, context));
    return done;
  }

  /** Resolves once IDLE. Cancels a load in flight; resets an ERROR state. */
  async unload(context: TransitionContext): Promise<ModelStatus> {
    const { done } = await this.queue.run(() => this.beginUnload(context));
    return done;
  }

  /**
   * Runs `action` in the command queue unless `modelId` is loading, loaded or unloading (MODEL_IN_USE), so a
   * registry change can't race a load of the same model.
   */
  whileNotInUse<T>(modelId: string, action: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const { state, modelId: current } = this.machine.snapshot();
      const busy = state === 'LOADING' || state === 'LOADED' || state === 'UNLOADING';
      if (busy && (current === modelId || this.loader.loadingModelId() === modelId)) {
        throw new EaselError('MODEL_IN_USE', `Model "${modelId}" is ${state}; unload it first`);
      }
      return action();
    });
  }

  /** Cancels the load in flight, if any. */
  cancel(context: TransitionContext): Promise<{ cancelled: boolean; status: ModelStatus }> {
    return this.queue.run(async () => {
      const modelId = this.loader.loadingModelId();
      const cancelled = await this.loader.cancel('CANCELLED', context, `The load of "${modelId}" was cancelled`);
      return { cancelled, status: this.machine.snapshot() };
    });
  }

  /** Graceful stop of the server: the model is released and the log says so. */
  async shutdown(): Promise<void> {
    const context: TransitionContext = { actor: 'system' };
    await this.queue.run(async () => {
      await this.loader.cancel('CANCELLED', context, 'The server is shutting down');
      if (this.machine.state === 'LOADED') await this.unloadNow(context);
    });
    await this.unloading?.catch(() => undefined);
  }

  // Both return a wrapper: an async function returning a bare promise would adopt it and hold the queue until
  // the load or unload ended, while that end is itself queued.
  private async beginLoad(modelId: string, context: TransitionContext): Promise<{ done: Promise<ModelStatus> }> {
    const joined = this.loader.join(modelId);
    if (joined) return { done: joined };
    const state = this.machine.state;
    if (state === 'LOADED' && this.holder.get()?.modelId === modelId) return { done: Promise.resolve(this.machine.snapshot()) };
    if (state === 'UNLOADING') {
      throw new EaselError('ILLEGAL_TRANSITION', `Cannot load "${modelId}" while a model is UNLOADING; try again once the state is IDLE`, {
        details: { from: state, reason: 'LOAD_REQUESTED' },
      });
    }
    const model = await this.deps.models.find(modelId);
    if (!model) throw new EaselError('NOT_FOUND', `No model with id "${modelId}" is registered (see models.list)`);
    if (state === 'LOADING') {
      await this.loader.cancel('SUPERSEDED', context, `The load of "${this.loader.loadingModelId()}" was superseded by a load of "${modelId}"`);
    }
    if (this.machine.state === 'LOADED') await this.unloadNow(context);
    await this.machine.apply('LOAD_REQUESTED', context, { modelId });
    try {
      return { done: this.loader.start(model, context) };
    } catch (error) {
      // The runner could not even be started (e.g. no process slots): nothing is in flight, so record it here.
      const failure = toEaselError(error, 'LOAD_FAILED');
      await this.machine.apply('LOAD_FAILED', context, { error: `The runner could not start: ${failure.message}` });
      throw new EaselError('LOAD_FAILED', `Loading "${modelId}" failed: the runner could not start (${failure.message})`, { cause: error });
    }
  }

  private async beginUnload(context: TransitionContext): Promise<{ done: Promise<ModelStatus> }> {
    switch (this.machine.state) {
      case 'IDLE':
        return { done: Promise.resolve(this.machine.snapshot()) };
      case 'LOADING':
        await this.loader.cancel('CANCELLED', context, `The load of "${this.loader.loadingModelId()}" was cancelled by an unload request`);
        return { done: Promise.resolve(this.machine.snapshot()) };
      case 'ERROR':
        await this.machine.apply('RESET_FROM_ERROR', context);
        return { done: Promise.resolve(this.machine.snapshot()) };
      case 'UNLOADING':
        return { done: this.unloading ?? Promise.resolve(this.machine.snapshot()) };
      case 'LOADED': {
        const pipeline = this.holder.take();
        await this.machine.apply('UNLOAD_REQUESTED', context);
        // The release runs outside the queue so the UNLOADING state is observable; its end is queued.
        this.unloading = this.releasePipeline(pipeline)
          .then(
            (details) => this.queue.run(() => this.machine.apply('UNLOAD_COMPLETED', context, { details })),
            (error: unknown) =>
              this.queue.run(async () => {
                await this.machine.apply('UNLOAD_FAILED', context, { error: String(error) });
                throw new EaselError('UNLOAD_FAILED', `Unloading "${pipeline?.modelId}" failed: ${String(error)}`, { cause: error });
              }),
          )
          .then(() => this.machine.snapshot())
          .finally(() => {
            this.unloading = null;
          });
        return { done: this.unloading };
      }
    }
  }

  /** LOADED → UNLOADING → IDLE inside the current command (switching models). */
  private async unloadNow(context: TransitionContext): Promise<void> {
    const pipeline = this.holder.take();
    await this.machine.apply('UNLOAD_REQUESTED', context);
    try {
      await this.machine.apply('UNLOAD_COMPLETED', context, { details: await this.releasePipeline(pipeline) });
    } catch (error) {
      await this.machine.apply('UNLOAD_FAILED', context, { error: String(error) });
      throw new EaselError('UNLOAD_FAILED', `Unloading the current model failed: ${String(error)}`, { cause: error });
    }
  }

  private async releasePipeline(pipeline: LoadedPipeline | null): Promise<Record<string, unknown> | null> {
    if (!pipeline) return null;
    return { modelId: pipeline.modelId, ...releaseDetails(await this.releaser.release(pipeline.runner, 'graceful')) };
  }
}
