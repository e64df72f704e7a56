// Keeps one runner process started ahead of need, so a load does not wait for a process to boot (Node, the
// runner's code, onnxruntime's start-up: a few hundred ms) and the fork itself happens outside the load. The next spare
// is started only when its owner calls warm() (once the server is quiet: see idle-task.ts), never during the load
// that took the last one: its boot would compete with that load for the cores.
import type { Runner, RunnerFactory } from './ports.js';

export class WarmRunnerFactory implements RunnerFactory {
  private spare: Runner | null = null;
  private closed = false;

  constructor(private readonly inner: RunnerFactory) {}

  /** Starts a spare unless one is waiting: at server start, and when the server is quiet. */
  warm(): void {
    if (!this.spare && !this.closed) this.replenish();
  }

  spawn(): Runner {
    const spare = this.spare;
    this.spare = null;
    return spare ?? this.inner.spawn();
  }

  /** Ends the spare; later spawns start processes on demand. */
  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = null;
    await spare?.kill();
  }

  private replenish(): void {
    const spare = this.inner.spawn();
    this.spare = spare;
    spare.onUnexpectedExit(() => {
      // A spare that dies while waiting is dropped; once handed out, its exit belongs to its new owner.
      if (this.spare === spare) this.spare = null;
    });
  }
}
