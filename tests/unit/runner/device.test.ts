import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { candidateDevices, describeDeviceFailure, threadCount } from '../../../server/runner/device.js';

describe('device choice', () => {
  it('tries cuda, then webgpu, then cpu for auto', () => {
    expect(candidateDevices('auto')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(candidateDevices('webgpu')).toEqual(['webgpu']);
  });

  it('reads the thread count from EASEL_THREADS', () => {
    expect(threadCount({ EASEL_THREADS: '3' })).toBe(3);
    expect(threadCount({})).toBeGreaterThan(0);
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => threadCount({ EASEL_THREADS: 'many' })).toThrow(/EASEL_THREADS must be a positive integer/);
    let error: unknown;
    try {
      threadCount({ EASEL_THREADS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(isEaselError(error, 'INVALID_INPUT')).toBe(true);
  });

  it('explains a missing CUDA provider with how to install it', () => {
    const ortError = new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
    const reason = describeDeviceFailure('cuda', ortError);
    expect(reason).toMatch(/CUDA execution provider is not installed.*Failed to load shared library/);
  });

  it('keeps only the first line of an unknown failure', () => {
    expect(describeDeviceFailure('webgpu', new Error('something odd\nat frame 1'))).toBe('something odd');
  });
});
