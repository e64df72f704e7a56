// Runs a background task once the server has had nothing in hand for a moment: no load or unload under way, no
// generation queued or running, and `quietMs` since the last of those changed. Starting the spare runner is such a
// task: forking holds the server's event loop for 5–30 ms (the kernel copies the server's page tables), which
// should not land on the request a client sends right after its load returns, nor in the middle of a generation.
export interface IdleTaskDeps {
  /** True while something is in hand (a load, an unload, a generation). */
  busy(): boolean;
  task(): void;
  quietMs: number;
}

export class IdleTask {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: IdleTaskDeps) {}

  /** Something happened: wait for another `quietMs` of quiet before running the task. */
  poke(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Still busy: whatever ends the busy spell pokes again.
      if (!this.deps.busy()) this.deps.task();
    }, this.deps.quietMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
