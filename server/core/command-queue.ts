// Runs lifecycle commands one at a time, in arrival order, so no check-then-act race can exist.
import { EaselError } from './errors.js';

export class CommandQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** @param limit commands allowed to wait at once; one more is refused with BUSY at once rather than queued. */
  constructor(private readonly limit = 256) {}

  get size(): number {
    return this.waiting;
  }

  /**
   * Runs `command` after every command enqueued before it has settled. The result is returned as is:
   * a command that wants its caller to wait for later work returns a wrapper, never a bare promise of it,
   * so that the queue is not held by that work.
   */
  run<T>(command: () => Promise<T> | T): Promise<T> {
    if (this.waiting >= this.limit) {
      return Promise.reject(new EaselError('BUSY', `The server has ${this.waiting} lifecycle commands waiting; try again shortly`));
    }
    this.waiting += 1;
    const result = this.tail.then(command);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.waiting -= 1;
    });
    return result;
  }
}
