// The model cache's shapes, shared by the facade, the job queue and the API: what models.status says, what the
// job queue tells the facade, and the timers the facade schedules keep-alive with.
import type { ModelStatus } from './lifecycle/state-machine.js';
import type { ModelState } from './lifecycle/transitions.js';
import type { KeepAliveSetter } from './keep-alive.js';

/** What the job queue tells the facade about its jobs, and lets it do to them. */
export interface JobsPort {
  /** `pinning`: the queued jobs that keep the model from being evicted (see job-order.ts). */
  countsFor(modelId: string): { running: number; queued: number; pinning: number };
  /** Cancels every queued and running job of the model (an explicit unload); their error says `reason`. */
  cancelFor(modelId: string, reason: string): void;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ResidentStatus {
  modelId: string;
  state: ModelState;
  device: ModelStatus['device'];
  since: Date;
  memoryBytes: number;
  memorySource: 'estimated' | 'measured';
  /** Seconds; -1 never expires, 0 unloads after the last job. */
  keepAlive: number;
  /** When an idle model will be unloaded; null while in use, not loaded, or kept forever. */
  expiresAt: Date | null;
  jobs: { running: number; queued: number };
  loadProgress?: ModelStatus['loadProgress'];
  error?: string;
}

export interface ModelsStatus {
  /** Every model that is not IDLE. */
  models: ResidentStatus[];
  maxLoaded: number;
  memoryBudgetBytes: number;
  memoryUsedBytes: number;
}

export interface KeepAliveRequest {
  seconds: number;
  /** Who asks: a user's keep-alive never shortens one an admin (or the server's default) set. */
  role: Exclude<KeepAliveSetter, 'default'>;
}
