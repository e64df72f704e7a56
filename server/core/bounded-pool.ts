// A bounded pool of async work: at most `concurrency` tasks run at once, up to `maxQueued` more wait in FIFO
// order (beyond that: BUSY at once), and each running task is aborted after `timeoutMs`.
import { EaselError, type EaselErrorCode } from './errors.js';

export interface BoundedPoolOptions {
  concurrency: number;
  maxQueued: number;
  timeoutMs: number;
  /** Names the work in errors: "model inspection" ("the model inspection of <label> …"). */
  name: string;
  /** The code of a task stopped by its timeout. */
  timeoutCode: EaselErrorCode;
}

/** A task receives a signal that aborts on its timeout or when its caller gives up. */
export type PoolTask<T> = (signal: AbortSignal) => Promise<T>;


export class BoundedPool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: BoundedPoolOptions) {}

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` once a slot is free. A task past its timeout is aborted, and its slot is held until it has
   * really ended (so the bound also holds for what it started, such as a child process); it then rejects with
   * an error naming the timeout.
   */
  async run<T>(label: string, task: PoolTask<T>, signal?: AbortSignal): Promise<T> {
    const { name, timeoutMs, timeoutCode } = this.options;
    if (signal?.aborted) throw cancelled(name, label);
    await this.slot(label, signal);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      return await task(controller.signal);
    } catch (error) {
      if (timedOut) throw new EaselError(timeoutCode, `The ${name} of ${label} took longer than ${timeoutMs / 1000} s and was stopped`, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      this.release();
    }
  }

  private slot(label: string, signal: AbortSignal | undefined): Promise<void> {
    const { concurrency, maxQueued, name } = this.options;
    if (this.running < concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= maxQueued) {
      return Promise.reject(new EaselError('BUSY', `${maxQueued} requests for ${name} are already waiting; try ${label} again once some have finished`));
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(cancelled(name, label));
      };
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so a newcomer can't overtake the queue.
    if (next) next();
    else this.running -= 1;
  }
}

function cancelled(name: string, label: string): EaselError {
  return new EaselError('CANCELLED', `The ${name} of ${label} was cancelled before it started`);
}
