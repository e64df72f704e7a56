// A short-lived child (forked by device-probe.ts) that tries one GPU execution provider on a one-node model and
// exits: a failed or crashing probe costs this process, never the runner that will do the work.
import ort from 'onnxruntime-node';
import type { Device } from '../core/ports.js';
import { describeDeviceFailure, quietOnnxRuntime, sessionOptions } from './device.js';
import { tinyModel } from './onnx-warm-up.js';

export type ProbeAnswer = { ok: true } | { ok: false; reason: string };

async function probe(device: Device): Promise<ProbeAnswer> {
  try {
    const session = await ort.InferenceSession.create(tinyModel(), sessionOptions(device, 1));
    try {
      const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
      return y?.data[0] === 2 ? { ok: true } : { ok: false, reason: 'a test run gave a wrong result' };
    } finally {
      await session.release();
    }
  } catch (error) {
    return { ok: false, reason: describeDeviceFailure(device, error) };
  }
}

const device = process.argv[2];
if (!process.send || (device !== 'cuda' && device !== 'webgpu')) {
  console.error('device-probe-entry.ts is forked by the GPU server with a device (cuda or webgpu) and an IPC channel.');
  process.exit(1);
}
quietOnnxRuntime(process.env);
const answer = await probe(device);
process.send(answer, undefined, undefined, () => process.exit(0));
