// One model's place in the cache: its state machine, loader and pipeline, the leases jobs hold on it, when it
// was last used, its keep-alive and its memory figure. Plain state; the facade is the only one to change it.
import type { StateMachine } from './lifecycle/state-machine.js';
import type { Loader } from './loader.js';
import type { Lease } from './lease.js';
import type { PipelineHolder } from './pipeline-holder.js';
import type { ResidentView } from './residency-policy.js';
import type { KeepAliveSetter } from './keep-alive.js';
import type { ModelStatus } from './lifecycle/state-machine.js';


export interface MemoryFigure {
  bytes: number;
  source: 'estimated' | 'measured';
}

export class ResidentModel {
  readonly leases = new Set<Lease>();
  /** Requests waiting for this model's load to end before they take a lease. */
  pendingAcquires = 0;
  lastUsedMs: number;
  keepAlive: { seconds: number; setBy: KeepAliveSetter };
  memory: MemoryFigure | null = null;
  /** The load (epoch) whose memory was measured again after its first job. */
  remeasuredEpoch: number | null = null;
  /** The unload in progress (UNLOADING, or waiting for leases to be released first). */
  unloading: Promise<ModelStatus> | null = null;
  /** Set while an explicit unload waits for the leases to be released. */
  unloadWhenFree: (() => void) | null = null;

  constructor(
    readonly machine: StateMachine,
    readonly loader: Loader,
    readonly holder: PipelineHolder,
    nowMs: number,
    keepAliveSeconds: number,
  ) {
    this.lastUsedMs = nowMs;
    this.keepAlive = { seconds: keepAliveSeconds, setBy: 'default' };
  }

  get modelId(): string {
    return this.machine.modelId;
  }

  /** `jobs.pinning`: queued jobs that will run on this model before any other model's pending load. */
  view(jobs: { running: number; pinning: number }): ResidentView {
    return {
      modelId: this.modelId,
      state: this.machine.state,
      memoryBytes: this.memory?.bytes ?? 0,
      demand: jobs.running + jobs.pinning + this.leases.size + this.pendingAcquires + (this.unloadWhenFree ? 1 : 0),
      lastUsedMs: this.lastUsedMs,
      keepAliveSeconds: this.keepAlive.seconds,
    };
  }
}
