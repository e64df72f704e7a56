// The parent's handle on a runner process: implements the core's Runner port over IPC with a forked child.
import { fileURLToPath } from 'node:url';
import { EaselError } from '../core/errors.js';
import type {
  Device,
  GenerationRequest,
  GenerationResult,
  LoadedModel,
  LoadProgress,
  LoadRequest,
  Logger,
  ModelPart,
  Runner,
  RunnerExit,
  RunnerFactory,
  RunnerMemory,
} from '../core/ports.js';
import { autoDevice, type DeviceChoice } from './device-probe.js';
import { GenerationCall, type GenerateOptions } from './generation-call.js';
import { createConsoleLogger } from '../logger.js';
import { notify } from './notify.js';
import type { ChildMessage } from './protocol.js';
import { describeExit, RunnerChild } from './runner-child.js';

const DEFAULT_ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
const DEFAULT_GRACE_MS = 2000;

export interface ProcessRunnerOptions {
  /** onnxruntime intra-op threads in the child (EASEL_THREADS); defaults to the child's own setting. */
  threads?: number;
  env?: NodeJS.ProcessEnv;
  /** The child's entry: a .ts source runs through tsx, the server passes its bundle (runner-bundle.ts); tests swap in stand-ins. */
  entry?: string;
  /** Resolves EASEL_DEVICE=auto before a runner loads; defaults to the server's one quiet probe (device-probe.ts). */
  chooseAutoDevice?: () => Promise<DeviceChoice>;
  logger?: Logger;
}

interface PendingLoad {
  request: LoadRequest;
  onProgress: ((progress: LoadProgress) => void) | undefined;
  resolve: (model: LoadedModel) => void;
  reject: (error: EaselError) => void;
  detach: () => void;
  part?: ModelPart;
  /** The device an 'auto' load is trying on its first part, with why earlier ones were refused. */
  probing?: { device: Device; skipped: string[] };
  /** The GPU the server's probe gave an 'auto' load, with why faster ones were refused. */
  gpuTry?: { device: Device; skipped: string[] };
  /** Why 'auto' did not get the fastest device: from the server's probe, or a probe crash that moved the load to cpu. */
  deviceNote?: string;
  cancelled: boolean;
}

interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: EaselError) => void;
}

class ProcessRunner implements Runner {
  private child: RunnerChild;
  private requested: 'stop' | 'kill' | undefined;
  private loadAsked = false;
  private pendingLoad: PendingLoad | undefined;
  private loaded = false;
  private readonly generation = new GenerationCall();
  private readonly memoryRequests = new Map<number, Deferred<RunnerMemory>>();
  private nextRequestId = 1;
  private readonly exitListeners: Array<(exit: RunnerExit) => void> = [];
  private unexpectedExit: RunnerExit | undefined;
  private stopping: Promise<RunnerExit> | undefined;

  constructor(
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly chooseAutoDevice: () => Promise<DeviceChoice>,
  ) {
    this.child = this.start();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private start(): RunnerChild {
    const child: RunnerChild = new RunnerChild(this.entry, this.env, (message) => this.onMessage(child, message));
    void child.exited.then((exit) => this.onExit(child, exit));
    return child;
  }

  load(
    request: LoadRequest,
    options: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<LoadedModel> {
    if (this.loadAsked) {
      return Promise.reject(new EaselError('BUSY', 'this runner was already asked to load a model; spawn a new runner'));
    }
    this.loadAsked = true;
    const { signal } = options;
    if (this.requested || this.child.exit) {
      const message = `cannot load ${request.modelPath}: the runner process has already exited`;
      return Promise.reject(new EaselError('LOAD_FAILED', message));
    }
    if (signal?.aborted) {
      return this.kill().then(() => Promise.reject(new EaselError('CANCELLED', `loading ${request.modelPath} was cancelled`)));
    }
    return new Promise<LoadedModel>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.pendingLoad) return;
        this.pendingLoad.cancelled = true;
        // The load is rejected by onExit, once the process is really gone.
        void this.kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const pending: PendingLoad = {
        request,
        onProgress: options.onProgress,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
        cancelled: false,
      };
      this.pendingLoad = pending;
      void this.sendLoad(pending);
    });
  }

  /** An 'auto' load waits for the server's device probe, so the runner opens its parts on a known device. */
  private async sendLoad(pending: PendingLoad): Promise<void> {
    const { modelPath, device } = pending.request;
    if (device !== 'auto') return this.child.send({ type: 'load', modelPath, device });
    const choice = await this.chooseAutoDevice();
    // Cancelled, killed or stopped while the probe ran: the exit handler settles the load.
    if (this.pendingLoad !== pending || pending.cancelled || this.requested) return;
    if (choice.skipped.length > 0) pending.deviceNote = choice.reason;
    if (choice.device !== 'cpu') pending.gpuTry = { device: choice.device, skipped: choice.skipped };
    this.child.send({ type: 'load', modelPath, device: choice.device });
  }

  memory(): Promise<RunnerMemory> {
    const exit = this.child.exit;
    if (exit) return Promise.reject(this.goneError(exit));
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.memoryRequests.set(requestId, { resolve, reject });
      this.child.send({ type: 'memory', requestId });
    });
  }

  generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    return this.generateBatch([request], [options])[0]!;
  }

  generateBatch(requests: readonly GenerationRequest[], options: readonly GenerateOptions[]): Array<Promise<GenerationResult>> {
    const exit = this.child.exit;
    if (exit) return requests.map(() => Promise.reject(this.goneError(exit)));
    if (!this.loaded || this.requested) {
      const why = this.requested ? `the runner is being ended by ${this.requested}()` : 'no model has finished loading in this runner';
      return requests.map((request) => Promise.reject(new EaselError('NOT_LOADED', `cannot run generation ${request.jobId}: ${why}`)));
    }
    return this.generation.startBatch(requests, options, (message) => this.child.send(message));
  }

  stop(graceMs: number = DEFAULT_GRACE_MS): Promise<RunnerExit> {
    this.requested ??= 'stop';
    if (!this.stopping) {
      const child = this.child;
      child.send({ type: 'dispose' });
      const timer = setTimeout(() => child.kill(), graceMs);
      this.stopping = child.exited.finally(() => clearTimeout(timer));
    }
    return this.stopping;
  }

  kill(): Promise<RunnerExit> {
    this.requested ??= 'kill';
    this.child.kill();
    return this.child.exited;
  }

  onUnexpectedExit(listener: (exit: RunnerExit) => void): void {
    this.exitListeners.push(listener);
    const exit = this.unexpectedExit;
    if (exit) queueMicrotask(() => notify(listener, exit));
  }

  private finishLoad(): PendingLoad | undefined {
    const load = this.pendingLoad;
    this.pendingLoad = undefined;
    load?.detach();
    return load;
  }

  private onMessage(child: RunnerChild, message: ChildMessage): void {
    if (child !== this.child) return;
    const load = this.pendingLoad?.cancelled ? undefined : this.pendingLoad;
    switch (message.type) {
      case 'progress':
        if (!load) return;
        load.part = message.progress.part;
        load.probing = undefined;
        notify(load.onProgress, message.progress);
        return;
      case 'probe':
        if (load) load.probing = { device: message.device, skipped: message.skipped };
        return;
      case 'loaded': {
        if (!load) return;
        this.finishLoad();
        this.loaded = true;
        const note = load.deviceNote ?? message.model.deviceNote;
        load.resolve(note === undefined ? message.model : { ...message.model, deviceNote: note });
        return;
      }
      case 'error': {
        if (!load) return;
        this.finishLoad();
        const cause = new EaselError(message.code, message.message);
        const details = { code: message.code, part: message.part };
        load.reject(new EaselError('LOAD_FAILED', message.message, { cause, details }));
        return;
      }
      case 'memory':
        this.memoryRequests.get(message.requestId)?.resolve(message.memory);
        this.memoryRequests.delete(message.requestId);
        return;
      default:
        this.generation.onMessage(message);
    }
  }

  /** A native crash while an 'auto' load probes or uses a GPU provider should cost the GPU, not the load. */
  private retryOnCpu(load: PendingLoad, exit: RunnerExit): boolean {
    const probing = load.probing ?? load.gpuTry;
    if (this.requested || load.cancelled || !probing || probing.device === 'cpu') return false;
    const crash = `${probing.device}: the runner ${describeExit(exit)} while opening ${load.part ?? 'the first part'}`;
    const reasons = [...probing.skipped, crash];
    load.deviceNote = `auto chose cpu; ${reasons.join('; ')}`;
    load.probing = undefined;
    load.gpuTry = undefined;
    load.part = undefined;
    this.child = this.start();
    this.child.send({ type: 'load', modelPath: load.request.modelPath, device: 'cpu' });
    return true;
  }

  private onExit(child: RunnerChild, exit: RunnerExit): void {
    if (child !== this.child) return;
    if (this.pendingLoad && this.retryOnCpu(this.pendingLoad, exit)) return;
    if (!this.requested) this.unexpectedExit = exit;

    for (const request of this.memoryRequests.values()) request.reject(this.goneError(exit));
    this.memoryRequests.clear();
    this.generation.abandon(this.requested, exit);

    const load = this.finishLoad();
    if (load) {
      const path = load.request.modelPath;
      if (load.cancelled) load.reject(new EaselError('CANCELLED', `loading ${path} was cancelled`));
      else if (this.requested) load.reject(new EaselError('CANCELLED', `loading ${path} was ended by ${this.requested}()`));
      else {
        const where = load.part ? `while loading ${load.part}` : 'before it started loading';
        const message = `the runner process for ${path} ${describeExit(exit)} ${where}`;
        load.reject(new EaselError('RUNNER_CRASHED', message, { details: { ...exit } }));
      }
    }

    if (this.unexpectedExit) for (const listener of this.exitListeners) notify(listener, exit);
  }

  private goneError(exit: RunnerExit): EaselError {
    if (this.requested && !this.unexpectedExit) {
      return new EaselError('NOT_LOADED', `the runner process was ended by ${this.requested}()`);
    }
    return new EaselError('RUNNER_CRASHED', `the runner process ${describeExit(exit)}`, { details: { ...exit } });
  }
}

export function createProcessRunnerFactory(options: ProcessRunnerOptions = {}): RunnerFactory {
  const entry = options.entry ?? DEFAULT_ENTRY;
  const env = { ...(options.env ?? process.env) };
  if (options.threads !== undefined) env.EASEL_THREADS = String(options.threads);
  const logger = options.logger ?? createConsoleLogger();
  const chooseAutoDevice = options.chooseAutoDevice ?? (() => autoDevice(logger, { env }));
  return { spawn: () => new ProcessRunner(entry, env, chooseAutoDevice) };
}
