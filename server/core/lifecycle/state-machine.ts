// Owner of the current lifecycle state: applies transitions from the table, appends each to the audit log
// before it becomes visible, and tells subscribers. Callers serialize access through the CommandQueue.
import { transition, type ModelState, type TransitionReason } from './transitions.js';
import type { Actor, AuditLog, Clock, Device, LoadProgress, Logger, TransitionRecord } from '../ports.js';

export interface ModelStatus {
  state: ModelState;
  modelId: string | null;
  /** The execution provider in use while a model is loaded, else null. */
  device: Device | null;
  since: Date;
  /** Why the state is ERROR (or why the last load was cancelled). */
  error?: string;
  loadProgress?: LoadProgress;
}

export interface TransitionContext {
  actor: Actor;
  requestId?: string | null;
}

export interface TransitionChange {
  modelId?: string | null;
  device?: Device | null;
  error?: string | null;
  details?: Record<string, unknown> | null;
}

export class StateMachine {
  private status: ModelStatus;
  private readonly listeners = new Set<(status: ModelStatus) => void>();

  constructor(
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.status = { state: 'IDLE', modelId: null, device: null, since: clock.now() };
  }

  snapshot(): ModelStatus {
    return { ...this.status };
  }

  get state(): ModelState {
    return this.status.state;
  }

  subscribe(listener: (status: ModelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Puts back a state found in the audit log at start-up, without recording anything. */
  restore(record: TransitionRecord): void {
    this.status = { state: record.to, modelId: record.modelId, device: null, since: record.at };
  }

  /**
   * Applies `reason` or throws ILLEGAL_TRANSITION leaving everything as it was. The audit row is written
   * first: a crash can lose a visible state change, never a recorded one.
   */
  async apply(reason: TransitionReason, context: TransitionContext, change: TransitionChange = {}): Promise<TransitionRecord> {
    const from = this.status;
    const to = transition(from.state, reason);
    const at = this.clock.now();
    const modelId = change.modelId !== undefined ? change.modelId : from.modelId;
    const record: TransitionRecord = {
      at,
      modelId,
      from: from.state,
      to,
      reason,
      actor: context.actor,
      requestId: context.requestId ?? null,
      durationMs: Math.max(0, at.getTime() - from.since.getTime()),
      error: change.error ?? null,
      details: change.details ?? null,
    };
    try {
      await this.audit.append(record);
    } catch (cause) {
      // The state still follows reality (a runner that died is dead); the gap is logged loudly.
      this.logger.error('audit log append failed', { reason, from: from.state, to, cause: String(cause) });
    }
    const next: ModelStatus = {
      state: to,
      modelId: to === 'IDLE' ? null : modelId,
      device: to === 'LOADED' ? (change.device ?? null) : null,
      since: at,
    };
    if (record.error && (to === 'ERROR' || reason === 'LOAD_CANCELLED')) next.error = record.error;
    this.status = next;
    this.emit();
    return record;
  }

  /** Load progress is not a transition: it only updates the snapshot subscribers see. */
  setLoadProgress(progress: LoadProgress): void {
    if (this.status.state !== 'LOADING') return;
    this.status = { ...this.status, loadProgress: progress };
    this.emit();
  }

  private emit(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (cause) {
        this.logger.warn('status listener threw', { cause: String(cause) });
      }
    }
  }
}
