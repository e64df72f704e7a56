import { describe, expect, it } from 'vitest';
import { warmUpOnnxRuntime } from '../../../server/runner/onnx-warm-up.js';

describe('warmUpOnnxRuntime', () => {
  it('opens and runs a one-node model through onnxruntime, and says so', async () => {
    await expect(warmUpOnnxRuntime()).resolves.toBe(true);
  });
});
