// The cluster's unfinished jobs that this node doesn't hold (other nodes' and those waiting in the shared queue),
// as last read from their rows, for the shared list (generate.jobs). A row read just before its job's final write
// would bring an ended job back, so the jobs seen ending lately are kept out for a while whatever the rows say.
import type { JobEntry } from './job-list.js';

/** Longer than any gap between a job's final event and its row's write (retried for about 20 s at worst). */
const RECENTLY_ENDED_MS = 60_000;

export class ElsewhereJobs {
  entries: JobEntry[] = [];
  private readonly recentlyEnded = new Map<string, number>();

  show(entries: readonly JobEntry[]): void {
    const now = Date.now();
    for (const [id, at] of this.recentlyEnded) if (now - at > RECENTLY_ENDED_MS) this.recentlyEnded.delete(id);
    this.entries = entries.filter((entry) => !this.recentlyEnded.has(entry.id));
  }

  ended(id: string): void {
    this.recentlyEnded.set(id, Date.now());
    this.entries = this.entries.filter((entry) => entry.id !== id);
  }
}
