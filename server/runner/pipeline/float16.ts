// IEEE 754 half precision ⇄ float32 for fp16 models: onnxruntime-node exchanges float16 tensors as Uint16Array bits.

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
let halfTable: Float32Array | undefined;

/** The float16 bits nearest to `value` (round half to even, overflow to ±Infinity, NaN kept NaN). */
export function toFloat16Bits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const halfExponent = exponent - 112;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: the implicit leading 1 joins the mantissa before the shift.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return sign | half;
}

function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** The float value of float16 bits; every one of the 65,536 values is exact in float32. */
export function fromFloat16Bits(bits: number): number {
  halfTable ??= Float32Array.from({ length: 0x10000 }, (_, h) => decodeHalf(h));
  return halfTable[bits & 0xffff]!;
}

/** Writes `source` as float16 bits into `target` from `offset`. */
export function writeFloat16(source: Float32Array, target: Uint16Array, offset = 0): void {
  for (let i = 0; i < source.length; i++) target[offset + i] = toFloat16Bits(source[i]!);
}

export function readFloat16(source: Uint16Array): Float32Array {
  const out = new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) out[i] = fromFloat16Bits(source[i]!);
  return out;
}
