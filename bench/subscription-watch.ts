// Follows one of the GPU server's subscriptions (models.onStatus, generate.onJobs) and timestamps each value on
// arrival, so the benchmark can ask "when did the client first see this after that moment?" without racing the
// set-up of a subscription opened after the fact.
import { performance } from 'node:perf_hooks';
import type { EaselClient } from '../client/index.js';

type Status = Awaited<ReturnType<EaselClient['models']['status']['query']>>;
type Jobs = Awaited<ReturnType<EaselClient['generate']['jobs']['query']>>;

interface Seen<T> {
  at: number;
  value: T;
}

const WAIT_LIMIT_MS = 60_000;

export class SubscriptionWatch<T> {
  private readonly seen: Array<Seen<T>> = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscription: { unsubscribe(): void };

  constructor(subscribe: (onData: (value: T) => void) => { unsubscribe(): void }) {
    this.subscription = subscribe((value) => {
      this.seen.push({ at: performance.now(), value });
      for (const wake of this.waiters) wake();
    });
  }

  /** Arrival time of the first value seen so far at or after `after` (a performance.now() time) that satisfies `test`. */
  first(test: (value: T) => boolean, after = 0): number | undefined {
    return this.seen.find((s) => s.at >= after && test(s.value))?.at;
  }

  /** Waits for `first` to find one. */
  until(test: (value: T) => boolean, after = 0): Promise<number> {
    const find = () => this.first(test, after);
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching value within ${WAIT_LIMIT_MS} ms (last: ${JSON.stringify(this.seen.at(-1)?.value)})`));
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

export function watchStatus(client: EaselClient): SubscriptionWatch<Status> {
  return new SubscriptionWatch((onData) => client.models.onStatus.subscribe(undefined, { onData }));
}

export function watchJobs(client: EaselClient): SubscriptionWatch<Jobs> {
  return new SubscriptionWatch((onData) => client.generate.onJobs.subscribe(undefined, { onData }));
}
