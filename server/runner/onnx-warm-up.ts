// Pays onnxruntime's one-off start-up costs (its environment, operator registries, CPU kernels: 50–150 ms on
// 2 cores) while a runner waits for work, so the first model part of a load opens as fast as any later one.
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx-build/graph-builder.js';
import { sessionOptions } from './device.js';

/** The smallest useful model: y = x + x on one float (also what device-probe-entry.ts tries a provider on). */
export function tinyModel(): Uint8Array {
  const graph = new GraphBuilder('easel-warm-up');
  const x = graph.input('x', 'float32', [1]);
  graph.output(graph.op('Add', [x, x]), 'y', 'float32', [1]);
  return graph.serialize().model;
}

/** Opens, runs and releases a one-node CPU session. Never throws: a failure here only means no head start. */
export async function warmUpOnnxRuntime(): Promise<boolean> {
  try {
    const session = await ort.InferenceSession.create(tinyModel(), sessionOptions('cpu', 1));
    try {
      const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
      return y?.data[0] === 2;
    } finally {
      await session.release();
    }
  } catch {
    return false;
  }
}
