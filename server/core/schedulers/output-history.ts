// A bounded history of per-step arrays, newest last, whose buffers are recycled instead of reallocated each step.

/** The multistep solvers' converted outputs or LMS's derivatives; the oldest buffer is reused once `capacity` are held. */
export class OutputHistory {
  private buffers: Float32Array[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.buffers.length;
  }

  /** A buffer to fill with the newest output, already appended to the history. */
  push(length: number): Float32Array {
    const oldest = this.buffers.length === this.capacity ? this.buffers.shift()! : null;
    const buffer = oldest?.length === length ? oldest : new Float32Array(length);
    this.buffers.push(buffer);
    return buffer;
  }

  /** 0 is the newest output. */
  back(k: number): Float32Array {
    return this.buffers[this.buffers.length - 1 - k]!;
  }

  clear(): void {
    this.buffers = [];
  }
}
