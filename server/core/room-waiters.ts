// Loads waiting for memory: one entry per model that asked for room the policy could not give yet, with the
// callers that wait on it, a deadline (EASEL_LOAD_TIMEOUT), and the promise of the load once it is admitted.
// The facade decides when an entry is admitted, withdrawn or given up; this list only keeps them.
import type { EaselError } from './errors.js';
import type { ModelStatus, TransitionContext } from './lifecycle/state-machine.js';
import type { Timers } from './model-cache-types.js';

export interface RoomWaiter {
  modelId: string;
  context: TransitionContext;
  /** Callers waiting on it; acquires whose job was cancelled withdraw, load() callers never do. */
  holders: number;
  /** Settles when the load, once admitted, ends. */
  promise: Promise<ModelStatus>;
  resolve(done: Promise<ModelStatus>): void;
  reject(error: EaselError): void;
}

export class RoomWaiters {
  private readonly entries: RoomWaiter[] = [];
  private readonly deadlines = new Map<RoomWaiter, unknown>();

  constructor(private readonly timers: Timers) {}

  get size(): number {
    return this.entries.length;
  }

  /** In arrival order, as a copy (entries may leave while the caller walks it). */
  all(): RoomWaiter[] {
    return [...this.entries];
  }

  find(modelId: string): RoomWaiter | undefined {
    return this.entries.find((w) => w.modelId === modelId);
  }

  has(waiter: RoomWaiter): boolean {
    return this.entries.includes(waiter);
  }

  /** A new entry for `modelId`; `onDeadline` runs once `timeoutMs` has passed with the entry still waiting. */
  add(modelId: string, context: TransitionContext, timeoutMs: number, onDeadline: (waiter: RoomWaiter) => void): RoomWaiter {
    let resolve!: (done: Promise<ModelStatus>) => void;
    let reject!: (error: EaselError) => void;
    const promise = new Promise<ModelStatus>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    const waiter: RoomWaiter = { modelId, context, holders: 1, promise, resolve, reject };
    this.deadlines.set(waiter, this.timers.set(() => onDeadline(waiter), timeoutMs));
    this.entries.push(waiter);
    return waiter;
  }

  /** Takes the entry out of the list (admitted, or about to be refused). */
  take(waiter: RoomWaiter): void {
    const index = this.entries.indexOf(waiter);
    if (index >= 0) this.entries.splice(index, 1);
    this.timers.clear(this.deadlines.get(waiter));
    this.deadlines.delete(waiter);
  }

  /** Takes the entry out and fails its callers with `error`. */
  drop(waiter: RoomWaiter, error: EaselError): void {
    this.take(waiter);
    waiter.reject(error);
  }
}
