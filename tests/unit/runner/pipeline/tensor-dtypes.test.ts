import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../../server/core/errors.js';
import type { TensorInfo } from '../../../../server/core/ports.js';
import { floatTensor, readFloats, SampleFeed, TimestepFeed, timestepDims } from '../../../../server/runner/pipeline/tensor-dtypes.js';

const timestep = (type: string, dims: TensorInfo['dims']): TensorInfo => ({ name: 'timestep', type, dims });

describe('timestep tensors', () => {
  it.each([
    [[], 2, []],
    [[1], 2, [1]],
    [['batch'], 2, [2]],
    [[-1], 1, [1]],
    [[2], 2, [2]],
  ] as Array<[TensorInfo['dims'], number, number[]]>)('shapes a timestep declared %j for a batch of %i as %j', (dims, batch, expected) => {
    expect(timestepDims(timestep('float32', dims), batch)).toEqual(expected);
  });

  it('refuses a fixed timestep size that differs from the batch', () => {
    let error: unknown;
    try {
      timestepDims(timestep('float32', [2]), 1);
    } catch (e) {
      error = e;
    }
    expect(isEaselError(error, 'GENERATION_FAILED')).toBe(true);
  });

  it.each([
    ['float32', 981.5, Float32Array, 981.5],
    ['int64', 981.5, BigInt64Array, 982n],
    ['int32', 980.4, Int32Array, 980],
    ['float16', 981, Uint16Array, 0x63aa],
  ] as const)('writes a %s timestep in the dtype the UNet declares', (type, t, arrayType, stored) => {
    const feed = new TimestepFeed(timestep(type, ['batch']), 2);
    feed.set(t);
    expect(feed.tensor.type).toBe(type);
    expect(feed.tensor.dims).toEqual([2]);
    expect(feed.tensor.data).toBeInstanceOf(arrayType);
    expect(Array.from(feed.tensor.data as ArrayLike<unknown>)).toEqual([stored, stored]);
  });

  it('rewrites one tensor in place from step to step', () => {
    const feed = new TimestepFeed(timestep('float32', [1]), 2);
    const tensor = feed.tensor;
    feed.set(999);
    feed.set(1);
    expect(feed.tensor).toBe(tensor);
    expect([...(tensor.data as Float32Array)]).toEqual([1]);
  });
});

describe('sample tensors', () => {
  it('repeats the sample for each batch entry in one reused buffer', () => {
    const feed = new SampleFeed('float32', [2, 1, 1, 2]);
    const first = feed.tensorFor(Float32Array.of(1, 2));
    const second = feed.tensorFor(Float32Array.of(3, 4));
    expect(second).toBe(first);
    expect([...(second.data as Float32Array)]).toEqual([3, 4, 3, 4]);
  });

  it('wraps a float32 sample of batch one without copying it', () => {
    const sample = Float32Array.of(1, 2);
    expect(new SampleFeed('float32', [1, 1, 1, 2]).tensorFor(sample).data).toBe(sample);
  });

  it('converts to float16 bits for a float16 UNet', () => {
    const tensor = new SampleFeed('float16', [2, 1, 1, 1]).tensorFor(Float32Array.of(1));
    expect(tensor.type).toBe('float16');
    expect([...(tensor.data as Uint16Array)]).toEqual([0x3c00, 0x3c00]);
  });
});

describe('float tensors at the session boundary', () => {
  it('round-trips float16 data through Float32Array', () => {
    const tensor = floatTensor(Float32Array.of(0.5, -3), [2], 'float16');
    expect(tensor.type).toBe('float16');
    expect([...readFloats(tensor, 'test')]).toEqual([0.5, -3]);
  });

  it('returns float32 output data without copying it', () => {
    const data = Float32Array.of(1);
    expect(readFloats(new ort.Tensor('float32', data, [1]), 'test')).toBe(data);
  });

  it('names the part when it returns an integer tensor', () => {
    expect(() => readFloats(new ort.Tensor('int32', Int32Array.of(1), [1]), 'unet')).toThrow(/unet returned a tensor of int32/);
  });
});
