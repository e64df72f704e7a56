// Counts a pull's files and bytes and estimates the time left from the rate of bytes actually transferred
// (bytes already on disk from an earlier try count as done, not as speed).
export class PullProgress {
  private filesDone = 0;
  private bytesBefore = 0;
  private currentFile = 0;
  private transferred = 0;
  private firstByteAt: number | null = null;

  constructor(
    readonly filesTotal: number,
    readonly bytesTotal: number,
    private readonly now: () => number,
  ) {}

  /** The current file now holds `count` bytes; `fresh` when they came over the network. */
  fileBytes(count: number, fresh: boolean): void {
    if (fresh) {
      this.firstByteAt ??= this.now();
      this.transferred += Math.max(0, count - this.currentFile);
    }
    this.currentFile = count;
  }

  fileDone(size: number): void {
    this.filesDone += 1;
    this.bytesBefore += size;
    this.currentFile = 0;
  }

  get files(): { done: number; total: number } {
    return { done: this.filesDone, total: this.filesTotal };
  }

  get bytes(): { done: number; total: number } {
    return { done: this.bytesBefore + this.currentFile, total: this.bytesTotal };
  }

  etaMs(): number | null {
    const remaining = this.bytesTotal - this.bytes.done;
    if (remaining <= 0) return 0;
    if (this.firstByteAt === null || this.transferred === 0) return null;
    const elapsed = Math.max(1, this.now() - this.firstByteAt);
    return Math.round((remaining * elapsed) / this.transferred);
  }
}
