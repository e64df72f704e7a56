// Keeps one runner process started ahead of need, so a load does not wait for a process to boot (Node,
// TypeScript loader, onnxruntime: about a second) and the fork itself happens outside the load.
import type { Runner, RunnerFactory } from './ports.js';

export class WarmRunnerFactory implements RunnerFactory {
  private spare: Runner | null = null;
  private closed = false;

  constructor(private readonly inner: RunnerFactory) {}

  /** Starts the spare now (at server start), instead of on the first spawn. */
  warm(): void {
    if (!this.spare && !this.closed) this.replenish();
  }

  spawn(): Runner {
    const spare = this.spare;
    this.spare = null;
    if (!this.closed) setImmediate(() => this.warm());
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
