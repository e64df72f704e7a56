// Writes lifecycle transitions to the audit log and knows when it can't. A transition someone asked for (a load,
// an unload, an eviction) is refused when its row can't be written: the caller gets the error and nothing
// changes. A transition that records a fact (a runner died, a load ended) can't be refused — the fact stands —
// so its row is kept and retried with backoff until the log takes it. Meanwhile the server reports itself degraded.
import { EaselError } from '../errors.js';
import type { AuditLog, Logger, TransitionRecord } from '../ports.js';

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 5000];

export interface AuditHealth {
  /** Why the audit log is failing, while it is; null when every row is written. */
  degraded: string | null;
  /** Rows kept in memory, waiting for the log to take them. */
  pending: number;
}

export class AuditWriter {
  private readonly pending: TransitionRecord[] = [];
  private lastFailure: string | null = null;
  private retrying: Promise<void> | null = null;
  private attempt = 0;

  constructor(
    private readonly log: AuditLog,
    private readonly logger: Logger,
  ) {}

  health(): AuditHealth {
    return { degraded: this.lastFailure, pending: this.pending.length };
  }

  /** Writes a requested transition's row or throws INTERNAL: the transition must then not happen. */
  async record(record: TransitionRecord): Promise<void> {
    // Rows waiting for a retry go first, so the log's order stays the order of events.
    if (this.pending.length > 0) await this.flushOnce();
    if (this.pending.length > 0) throw this.refusal(record, this.lastFailure ?? 'earlier rows are still waiting');
    try {
      await this.log.append(record);
      this.lastFailure = null;
    } catch (cause) {
      this.lastFailure = `the audit log could not be written: ${String(cause)}`;
      this.logger.error('audit log append failed; the transition is refused', { reason: record.reason, modelId: record.modelId, cause: String(cause) });
      throw this.refusal(record, String(cause));
    }
  }

  /** Writes a fact's row now if possible, else keeps it and retries in the background. Never throws. */
  async recordFact(record: TransitionRecord): Promise<void> {
    if (this.pending.length === 0) {
      try {
        await this.log.append(record);
        this.lastFailure = null;
        return;
      } catch (cause) {
        this.lastFailure = `the audit log could not be written: ${String(cause)}`;
        this.logger.error('audit log append failed; the row is kept and retried', { reason: record.reason, modelId: record.modelId, cause: String(cause) });
      }
    }
    this.pending.push(record);
    this.scheduleRetry();
  }

  /** Waits until every kept row is written or `timeoutMs` passes (graceful shutdown). True when none is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length > 0 && Date.now() < deadline) {
      await this.flushOnce();
      if (this.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (this.pending.length > 0) this.logger.error('audit rows could not be written before shutdown', { lost: this.pending.length });
    return this.pending.length === 0;
  }

  private refusal(record: TransitionRecord, cause: string): EaselError {
    return new EaselError('INTERNAL', `${record.reason} of "${record.modelId}" was refused because the audit log can't be written (${cause}); nothing changed`, {
      details: { auditFailure: cause },
    });
  }

  private async flushOnce(): Promise<void> {
    while (this.pending.length > 0) {
      try {
        await this.log.append(this.pending[0]!);
      } catch (cause) {
        this.lastFailure = `the audit log could not be written: ${String(cause)}`;
        return;
      }
      this.pending.shift();
      this.attempt = 0;
    }
    this.lastFailure = null;
  }

  private scheduleRetry(): void {
    if (this.retrying) return;
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)]!;
    this.attempt += 1;
    this.retrying = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      timer.unref();
    })
      .then(() => this.flushOnce())
      .finally(() => {
        this.retrying = null;
        if (this.pending.length > 0) this.scheduleRetry();
      });
  }
}
