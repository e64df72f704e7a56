// Owner of one model's lifecycle state: applies transitions from the table, has each recorded in the audit log
// before it becomes visible, and tells subscribers. Callers serialize access through the CommandQueue.
import { transition, type ModelState, type TransitionReason } from './transitions.js';
import type { AuditWriter } from './audit-writer.js';
import type { Actor, Clock, Device, LoadProgress, Logger, TransitionRecord } from '../ports.js';

/** Transitions that record something that already happened: they can't be refused when the log fails. */
const FACTS: ReadonlySet<TransitionReason> = new Set(['LOAD_COMPLETED', 'LOAD_CANCELLED', 'LOAD_FAILED', 'UNLOAD_COMPLETED', 'UNLOAD_FAILED', 'RUNNER_CRASHED']);

export interface ModelStatus {
  state: ModelState;
  modelId: string;
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
  device?: Device | null;
  error?: string | null;
  details?: Record<string, unknown> | null;
}

export class StateMachine {
  private status: ModelStatus;
  private readonly listeners = new Set<(status: ModelStatus) => void>();

  constructor(
    readonly modelId: string,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.status = { state: 'IDLE', modelId, device: null, since: clock.now() };
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
    this.status = { state: record.to, modelId: this.modelId, device: null, since: record.at };
  }

  /**
   * Applies `reason` or throws ILLEGAL_TRANSITION leaving everything as it was. The audit row is written
   * first: a crash can lose a visible state change, never a recorded one. A requested transition whose row
   * can't be written is refused (INTERNAL); a fact's row is kept and retried (see audit-writer.ts).
   */
  async apply(reason: TransitionReason, context: TransitionContext, change: TransitionChange = {}): Promise<TransitionRecord> {
    const from = this.status;
    const to = transition(from.state, reason);
    const at = this.clock.now();
    const record: TransitionRecord = {
      at,
      modelId: this.modelId,
      from: from.state,
      to,
      reason,
      actor: context.actor,
      requestId: context.requestId ?? null,
      durationMs: Math.max(0, at.getTime() - from.since.getTime()),
      error: change.error ?? null,
      details: change.details ?? null,
    };
    if (FACTS.has(reason)) await this.audit.recordFact(record);
    else await this.audit.record(record);
    const next: ModelStatus = {
      state: to,
      modelId: this.modelId,
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
