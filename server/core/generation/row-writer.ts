// The queue's writes of Generation rows: each change retried with backoff (subscribers have already heard of it;
// the database is the record and must catch up), a write that never succeeds logged as a gap rather than thrown,
// and the writes begun without waiting (jobs ended at shutdown) tracked so a graceful stop can wait for them.
import { toEaselError } from '../errors.js';
import type { GenerationStore, GenerationUpdate, Logger } from '../ports.js';

const WRITE_RETRIES_MS = [200, 500, 1000, 2000, 5000, 10_000];

export class RowWriter {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: GenerationStore,
    private readonly logger: Logger,
  ) {}

  async write(id: string, update: GenerationUpdate): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.update(id, update);
        return;
      } catch (error) {
        if (attempt >= WRITE_RETRIES_MS.length || toEaselError(error).code === 'NOT_FOUND') {
          this.logger.error('a generation row could not be written; the database misses this change', { id, update, error: String(error) });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, WRITE_RETRIES_MS[attempt]));
      }
    }
  }

  /** Keeps `work` (which writes rows) to be waited for by drained(). */
  track(work: Promise<void>): void {
    const tracked = work.catch((error) => this.logger.error('ending a job failed', { error: String(error) })).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async drained(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
