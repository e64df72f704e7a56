// How much memory a model will take once loaded, before it has ever been measured: a runner's own footprint plus
// its weight files times a factor. Both were fitted on CPU by the benchmark's cache section (`npm run bench --
// --only cache`, README's Benchmarks), to the runner's RSS after a 20-step generation, not the RSS right after the
// load: onnxruntime maps external weight files lazily and sizes its arena on the first run, so a freshly loaded
// SD-shaped runner holds about half of what it holds once it has generated. Over four runs on a 2-core x86-64
// Linux machine, the demo model (0.1 MB of weights) gave the base, 131–138 MB (130 MiB here); the SD-shaped
// model (173 MB of weights) gave 307–320 MB, i.e. about (318 − 134) ÷ 173 ≈ 1.07 bytes of resident memory per
// byte of weights (weights, arena, optimised graph copies), rounded up to 1.1; both then land within 6 %.
// After the first load the measured figure replaces the estimate.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemoryEstimator } from '../core/ports.js';
import { MODEL_PARTS } from '../core/ports.js';

const RUNNER_BASE_BYTES = 130 * 1024 * 1024;
const WEIGHT_FACTOR = 1.1;

const WEIGHT_FILE = /(\.onnx|\.onnx_data|\.onnx\.data|\.bin)$/;

/** Bytes of weight files (ONNX graphs and their external data) in the model's part folders. */
export async function weightBytes(modelPath: string): Promise<number> {
  let total = 0;
  for (const part of MODEL_PARTS) {
    const folder = join(modelPath, part);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (!WEIGHT_FILE.test(name)) continue;
      const info = await stat(join(folder, name)).catch(() => null);
      if (info?.isFile()) total += info.size;
    }
  }
  return total;
}

export const partFileEstimator: MemoryEstimator = {
  async estimate(modelPath) {
    return Math.round(RUNNER_BASE_BYTES + WEIGHT_FACTOR * (await weightBytes(modelPath)));
  },
};
