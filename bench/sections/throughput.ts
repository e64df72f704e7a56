// 6. Throughput: images per minute through the GPU server's API on the demo and the SD-shaped model, with one
// request at a time and with four queued at once (separate generate.start calls). The single request also gives
// the pipeline overhead as a client of the API sees it: generate.start → done event ÷ the job's runMs.
import { generateAll } from '../generation-wait.js';
import type { BenchModel } from '../models/bench-models.js';
import type { BenchServer } from '../server-process.js';
import { formatValue, type ResultRow } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const STEPS = 20;
const PROMPT = 'a blue triangle at the bottom right on a white background';

interface Run {
  queued: number;
  wallMs: number;
  runMs: number;
  imagesPerMinute: number;
}

async function measure(server: BenchServer, model: BenchModel): Promise<Run[]> {
  const { client } = server;
  await client.models.load.mutate({ id: model.id });
  try {
    // The first generation after a load pays one-off allocations in the runner: a short one, not counted.
    await generateAll(client, { prompt: PROMPT, steps: 2, seed: 1 }, 1);
    const runs: Run[] = [];
    for (const queued of [1, 4]) {
      const { wallMs, runMs } = await generateAll(client, { prompt: PROMPT, steps: STEPS, seed: 100 * queued }, queued);
      runs.push({ queued, wallMs, runMs, imagesPerMinute: (queued / wallMs) * 60_000 });
    }
    return runs;
  } finally {
    await client.models.unload.mutate();
  }
}

function rows(label: string, runs: Run[]): ResultRow[] {
  const single = runs.find((run) => run.queued === 1)!;
  return [
    {
      metric: `pipeline overhead through the API, ${label}: generate.start → done event ÷ the job's runMs (1 request)`,
      value: single.wallMs / single.runMs,
      unit: 'ratio',
      target: { op: '<=', limit: 1.05 },
      note: `${formatValue(single.wallMs, 'ms')} vs ${formatValue(single.runMs, 'ms')} in onnxruntime`,
    },
    ...runs.map((run) => ({
      metric: `throughput, ${label}, ${run.queued} request${run.queued > 1 ? 's' : ''} queued (${STEPS} steps)`,
      value: run.imagesPerMinute,
      unit: 'img/min' as const,
    })),
  ];
}

export const throughput: Section = {
  name: 'throughput',
  needsServer: true,
  async run(settings: BenchSettings, server: BenchServer | undefined): Promise<SectionResult> {
    const demo = await measure(server!, settings.models.demo);
    const sdShaped = await measure(server!, settings.models.sdShaped);
    return { rows: [...rows('demo model', demo), ...rows('SD-shaped model', sdShaped)], raw: { steps: STEPS, demo, sdShaped } };
  },
};
