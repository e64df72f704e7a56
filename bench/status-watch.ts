// Follows the GPU server's models.onStatus subscription and timestamps each status on arrival, so the
// benchmark can ask "when did the client first see IDLE after this moment?".
import { performance } from 'node:perf_hooks';
import type { EaselClient } from '../client/index.js';

type Status = Awaited<ReturnType<EaselClient['models']['status']['query']>>;

interface Seen {
  at: number;
  status: Status;
}

const WAIT_LIMIT_MS = 60_000;

export class StatusWatch {
  private readonly seen: Seen[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscription: { unsubscribe(): void };

  constructor(client: EaselClient) {
    this.subscription = client.models.onStatus.subscribe(undefined, {
      onData: (status) => {
        this.seen.push({ at: performance.now(), status });
        for (const wake of this.waiters) wake();
      },
    });
  }

  /** Arrival time of the first status at or after `after` (a performance.now() time) that satisfies `test`. */
  until(test: (status: Status) => boolean, after = 0): Promise<number> {
    const find = () => this.seen.find((s) => s.at >= after && test(s.status))?.at;
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching status within ${WAIT_LIMIT_MS} ms (last: ${JSON.stringify(this.seen.at(-1)?.status)})`));
      }, WAIT_LIMIT_MS);
      const check = () => {
        const at = find();
        if (at === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(at);
      };
      this.waiters.add(check);
    });
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}
