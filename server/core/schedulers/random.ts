// Seeded standard-normal generator that reproduces torch's CPU generator (torch.manual_seed + torch.randn, float32).

/** A deterministic source of standard normals; successive fills continue one stream. */
export interface GaussianRandom {
  fill(out: Float32Array): void;
}

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const TWO_PI = 2 * Math.PI;
const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** MT19937 seeded as torch seeds it: the low 32 bits of the seed through init_genrand. */
class MersenneTwister {
  private readonly state = new Uint32Array(STATE_SIZE);
  private next = 0;
  private left = 1;

  constructor(seed: number) {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let j = 1; j < STATE_SIZE; j++) {
      const prev = s[j - 1]!;
      s[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
  }

  nextUint32(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    this.left = STATE_SIZE;
    this.next = 0;
    for (let i = 0; i < STATE_SIZE; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % STATE_SIZE]! & 0x7fffffff);
      s[i] = (s[(i + SHIFT_SIZE) % STATE_SIZE]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
  }
}

class TorchCompatibleGaussian implements GaussianRandom {
  private readonly engine: MersenneTwister;
  /** torch caches the second value of a double-precision Box-Muller pair for the small-tensor path. */
  private cachedNormal: number | null = null;

  constructor(seed: number) {
    this.engine = new MersenneTwister(seed);
  }

  fill(out: Float32Array): void {
    if (out.length >= 16) this.fillVectorised(out);
    else for (let i = 0; i < out.length; i++) out[i] = this.nextDoubleNormal();
  }

  /** torch's normal_fill: all uniforms first, then Box-Muller on blocks of 16, the ragged tail redrawn. */
  private fillVectorised(out: Float32Array): void {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = this.nextFloatUniform();
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i);
    if (n % 16 !== 0) {
      const start = n - 16;
      for (let i = start; i < n; i++) out[i] = this.nextFloatUniform();
      boxMuller16(out, start);
    }
  }

  private nextFloatUniform(): number {
    return (this.engine.nextUint32() & 0xffffff) / TWO_POW_24;
  }

  private nextDoubleUniform(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) / TWO_POW_53;
  }

  private nextDoubleNormal(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached;
    }
    const u1 = this.nextDoubleUniform();
    const u2 = this.nextDoubleUniform();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = TWO_PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

function boxMuller16(data: Float32Array, offset: number): void {
  const f = Math.fround;
  for (let j = offset; j < offset + 8; j++) {
    const u1 = f(1 - data[j]!);
    const u2 = data[j + 8]!;
    const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
    const theta = f(TWO_PI * u2);
    data[j] = radius * f(Math.cos(theta));
    data[j + 8] = radius * f(Math.sin(theta));
  }
}

/** A generator whose fills equal torch.randn of the same sizes after torch.manual_seed(seed) on the CPU. */
export function createGaussianRandom(seed: number): GaussianRandom {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
  return new TorchCompatibleGaussian(seed);
}
