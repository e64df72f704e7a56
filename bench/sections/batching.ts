// Batching (issue 16): images per minute with 4 compatible jobs queued together on the SD-shaped model, on a
// server that batches them (EASEL_MAX_BATCH=4: one UNet run per step for all four) against one that runs them one
// at a time (EASEL_MAX_BATCH=1), and against a single job. Both servers keep the model loaded; the variants
// alternate, the order rotating each round; medians. This decides the default: batch where it wins.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { whenDone } from '../generation-wait.js';
import { startBenchServer, type BenchServer } from '../server-process.js';
import { median, ratio } from '../stats.js';
import { formatValue } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const BATCH = 4;

async function batchServer(settings: BenchSettings, maxBatch: number): Promise<BenchServer> {
  const server = await startBenchServer({
    dataDir: join(settings.workDir, `batch-${maxBatch}`),
    modelsDir: settings.models.root,
    threads: settings.threads,
    env: { EASEL_MAX_BATCH: String(maxBatch) },
  });
  try {
    const model = settings.models.sdShaped;
    await server.client.models.register.mutate({ path: model.path, id: model.id });
    await server.client.models.load.mutate({ id: model.id });
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Images per minute for `count` jobs sent in one request (all queued before the first starts). */
async function imagesPerMinute(server: BenchServer, settings: BenchSettings, count: number, seed: number): Promise<number> {
  const started = performance.now();
  const { ids } = await server.client.generate.start.mutate({
    prompt: 'a lighthouse on a cliff at dusk',
    model: settings.models.sdShaped.id,
    sampler: 'EULER',
    steps: settings.quick ? 10 : 20,
    guidance: 7.5,
    width: 256,
    height: 256,
    seed,
    count,
  });
  await Promise.all(ids.map((id) => whenDone(server.client, id)));
  return (count * 60_000) / (performance.now() - started);
}

export const batching: Section = {
  name: 'batching',
  needsServer: false,
  async run(settings: BenchSettings): Promise<SectionResult> {
    const rounds = settings.quick ? 2 : 4;
    const batched = await batchServer(settings, BATCH);
    const oneByOne = await batchServer(settings, 1).catch(async (error: unknown) => {
      await batched.stop();
      throw error;
    });
    try {
      // Warm-up: each server's first generation pays one-off costs (the arena's growth, code paths).
      await imagesPerMinute(batched, settings, BATCH, 1);
      await imagesPerMinute(oneByOne, settings, 1, 1);
      const samples = { batched: [] as number[], oneByOne: [] as number[], single: [] as number[] };
      const variants: Array<[keyof typeof samples, () => Promise<number>]> = [
        ['batched', () => imagesPerMinute(batched, settings, BATCH, 100)],
        ['oneByOne', () => imagesPerMinute(oneByOne, settings, BATCH, 100)],
        ['single', () => imagesPerMinute(batched, settings, 1, 100)],
      ];
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < variants.length; i++) {
          const [name, measure] = variants[(round + i) % variants.length]!;
          samples[name].push(await measure());
        }
      }
      const [b, o, s] = [median(samples.batched), median(samples.oneByOne), median(samples.single)];
      const steps = settings.quick ? 10 : 20;
      const perMin = (value: number) => formatValue(value, 'img/min');
      return {
        rows: [
          {
            metric: `batching on this machine's CPU, SD-shaped model (${steps} EULER steps, 256×256, ${settings.threads} threads): images/min with ${BATCH} compatible jobs batched (EASEL_MAX_BATCH=${BATCH}) ÷ one at a time (EASEL_MAX_BATCH=1), medians of ${rounds}`,
            value: ratio(b, o),
            unit: 'ratio',
            note: `${perMin(b)} vs ${perMin(o)}; the default batches on cuda/webgpu only`,
          },
          {
            metric: `images/min with ${BATCH} compatible jobs batched ÷ 1 job alone, same server`,
            value: ratio(b, s),
            unit: 'ratio',
            note: `${perMin(b)} vs ${perMin(s)}`,
          },
        ],
        raw: { rounds, steps, samples },
      };
    } finally {
      await batched.stop();
      await oneByOne.stop();
    }
  },
};
