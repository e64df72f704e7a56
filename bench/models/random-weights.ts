// Seeded random weights for the benchmark's SD-shaped model: the same seed gives the same bytes, and the
// LeCun-style scale keeps activations of order 1 through the network, so no step overflows to Inf/NaN.

/** mulberry32: a small, fast 32-bit generator; quality is ample for random weights. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class WeightSource {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededUniform(seed);
  }

  /** `count` values uniform in ±√(3 / fanIn): variance 1/fanIn. */
  uniform(count: number, fanIn: number): Float32Array {
    const bound = Math.sqrt(3 / fanIn);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (this.next() * 2 - 1) * bound;
    return values;
  }
}
