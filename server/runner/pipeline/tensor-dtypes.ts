// Float32 data in and out of sessions whatever their dtypes: float16 conversion at the boundary, timestep tensors
// shaped and typed as the UNet declares, and reusable input tensors for the denoising loop.
import ort from 'onnxruntime-node';
import { EaselError } from '../../core/errors.js';
import type { TensorInfo } from '../../core/ports.js';
import { readFloat16, toFloat16Bits, writeFloat16 } from './float16.js';
import type { FloatType } from './pipeline-io.js';

export function floatTensor(data: Float32Array, dims: readonly number[], type: FloatType): ort.Tensor {
  if (type === 'float32') return new ort.Tensor('float32', data, dims);
  const bits = new Uint16Array(data.length);
  writeFloat16(data, bits);
  return new ort.Tensor('float16', bits, dims);
}

/** A session output as float32; float32 data is returned as is (onnxruntime allocates outputs per run). */
export function readFloats(tensor: ort.Tensor | undefined, what: string): Float32Array {
  if (!tensor) throw new EaselError('GENERATION_FAILED', `${what} produced no output`);
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array) return readFloat16(data);
  if (tensor.type === 'float16' && ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new EaselError('GENERATION_FAILED', `${what} returned a tensor of ${tensor.type}; expected float32 or float16`);
}

/** Dims of the timestep tensor: a scalar, [1] when the model fixes it so, else one value per batch entry. */
export function timestepDims(info: TensorInfo, batch: number): number[] {
  if (info.dims.length === 0) return [];
  const dim = info.dims[0];
  if (dim === 1) return [1];
  if (typeof dim === 'number' && dim > 0 && dim !== batch) {
    throw new EaselError('GENERATION_FAILED', `unet input 'timestep' has a fixed size of ${dim}; this generation runs a batch of ${batch}`);
  }
  return [batch];
}

type TimestepData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

function timestepTensor(type: string, dims: number[]): { data: TimestepData; tensor: ort.Tensor } {
  const length = dims.length === 0 ? 1 : dims[0]!;
  switch (type) {
    case 'float32': {
      const data = new Float32Array(length);
      return { data, tensor: new ort.Tensor('float32', data, dims) };
    }
    case 'float16': {
      const data = new Uint16Array(length);
      return { data, tensor: new ort.Tensor('float16', data, dims) };
    }
    case 'int64': {
      const data = new BigInt64Array(length);
      return { data, tensor: new ort.Tensor('int64', data, dims) };
    }
    case 'int32': {
      const data = new Int32Array(length);
      return { data, tensor: new ort.Tensor('int32', data, dims) };
    }
    default:
      throw new EaselError('GENERATION_FAILED', `unet input 'timestep' is ${type}; expected float32, float16, int64 or int32`);
  }
}

/** One timestep tensor for the whole loop, rewritten in place before each run. Integer models get t rounded. */
export class TimestepFeed {
  readonly tensor: ort.Tensor;
  private readonly data: TimestepData;

  constructor(info: TensorInfo, batch: number) {
    ({ data: this.data, tensor: this.tensor } = timestepTensor(info.type, timestepDims(info, batch)));
  }

  set(t: number): void {
    const data = this.data;
    if (data instanceof BigInt64Array) data.fill(BigInt(Math.round(t)));
    else if (data instanceof Int32Array) data.fill(Math.round(t));
    else if (data instanceof Uint16Array) data.fill(toFloat16Bits(t));
    else data.fill(t);
  }
}

/**
 * The UNet's sample input: the scaled latents repeated once per batch entry into one buffer allocated for the
 * whole loop. A float32 batch of one needs no copy, so its tensor just wraps the scheduler's array.
 */
export class SampleFeed {
  private readonly buffer: Float32Array | Uint16Array | undefined;
  private readonly reused: ort.Tensor | undefined;

  constructor(
    type: FloatType,
    private readonly dims: readonly number[],
  ) {
    const length = dims.reduce((a, b) => a * b, 1);
    const batch = dims[0]!;
    if (type === 'float16') this.buffer = new Uint16Array(length);
    else if (batch > 1) this.buffer = new Float32Array(length);
    if (this.buffer) this.reused = new ort.Tensor(type, this.buffer, dims);
  }

  tensorFor(sample: Float32Array): ort.Tensor {
    if (!this.buffer || !this.reused) return new ort.Tensor('float32', sample, this.dims);
    // Converted once: the other batch entries copy the first one's bits.
    if (this.buffer instanceof Uint16Array) writeFloat16(sample, this.buffer);
    else this.buffer.set(sample);
    for (let offset = sample.length; offset < this.buffer.length; offset += sample.length) {
      this.buffer.copyWithin(offset, 0, sample.length);
    }
    return this.reused;
  }
}
