// Noise for stochastic steps: the caller's array when given, else a reused buffer filled by the seeded generator.
import { EaselError } from '../errors.js';
import type { GaussianRandom } from './random.js';

export class NoiseSource {
  private buffer = new Float32Array(0);

  constructor(
    private readonly random: GaussianRandom | undefined,
    private readonly samplerName: string,
  ) {}

  /** The returned buffer is overwritten by the next draw; steps consume it before returning. */
  draw(length: number, given: Float32Array | undefined): Float32Array {
    if (given !== undefined) {
      if (given.length !== length) {
        throw new EaselError('INVALID_INPUT', `${this.samplerName} step noise has ${given.length} values; the sample has ${length}`);
      }
      return given;
    }
    if (this.random === undefined) {
      throw new EaselError(
        'INVALID_INPUT',
        `${this.samplerName} is stochastic: pass opts.noise to step() or a random generator to createScheduler()`,
      );
    }
    if (this.buffer.length !== length) this.buffer = new Float32Array(length);
    this.random.fill(this.buffer);
    return this.buffer;
  }
}

export function checkSameLength(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) {
    throw new EaselError('INVALID_INPUT', `${what}: arrays differ in length (${a.length} vs ${b.length})`);
  }
}

/** √ᾱ·x0 + √(1-ᾱ)·noise: the forward process of the alpha-parameterised samplers. */
export function noiseWithAlpha(original: Float32Array, noise: Float32Array, alphaProd: number): Float32Array {
  checkSameLength(original, noise, 'addNoise');
  const a = Math.sqrt(alphaProd);
  const b = Math.sqrt(1 - alphaProd);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = a * original[i]! + b * noise[i]!;
  return out;
}
