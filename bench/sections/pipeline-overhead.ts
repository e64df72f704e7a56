// 1. Pipeline overhead, at the runner level: a generation's wall time as the parent process sees it (IPC
// included) ÷ the time the runner spent inside onnxruntime run() calls for it (GenerationResult.runMs).
// The GPU server's API does not expose runMs yet, so the server's queue and SSE hops are not in this figure.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { GenerationRequest } from '../../server/core/ports.js';
import { createProcessRunnerFactory } from '../../server/runner/process-runner.js';
import type { BenchModel } from '../models/bench-models.js';
import { ratio, summarize } from '../stats.js';
import { formatValue, type ResultRow } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const TARGET = { op: '<=', limit: 1.05 } as const;
/** The GPU server's default sampler (server/app.ts; not imported, which would load the whole server). */
const SAMPLER = 'DPM_SOLVER_MULTISTEP';
const STEPS = 20;
const WARM_UP_STEPS = 2;
/** The server's own preview cadence, so the runner does what it does when serving. */
const PREVIEW_EVERY = 5;

interface Sample {
  wallMs: number;
  runnerTotalMs: number;
  runMs: number;
}

function request(settings: BenchSettings, index: number, side: number, steps: number): GenerationRequest {
  return {
    jobId: `bench-overhead-${index}`,
    prompt: 'a red circle in the centre on a blue background',
    negativePrompt: '',
    sampler: SAMPLER,
    steps,
    guidance: 7.5,
    seed: 1000 + index,
    width: side,
    height: side,
    outputPath: join(settings.workDir, `overhead-${index}.png`),
    previewEvery: PREVIEW_EVERY,
  };
}

async function measure(settings: BenchSettings, model: BenchModel, count: number): Promise<Sample[]> {
  const runner = createProcessRunnerFactory({ threads: settings.threads }).spawn();
  try {
    const loaded = await runner.load({ modelPath: model.path, device: 'cpu' }, {});
    // The native size, which the server picks when a request names none.
    const side = loaded.sampleSize * loaded.vaeScaleFactor;
    const samples: Sample[] = [];
    // The first generation after a load pays one-off allocations: a short one is run first and not counted.
    await runner.generate(request(settings, 0, side, WARM_UP_STEPS), {});
    for (let i = 1; i <= count; i++) {
      const started = performance.now();
      const result = await runner.generate(request(settings, i, side, STEPS), {});
      const wallMs = performance.now() - started;
      samples.push({ wallMs, runnerTotalMs: result.totalMs, runMs: result.runMs });
    }
    return samples;
  } finally {
    await runner.stop();
  }
}

function row(label: string, samples: Sample[]): ResultRow {
  const ratios = samples.map((s) => ratio(s.wallMs, s.runMs));
  const stepMs = summarize(samples.map((s) => s.runMs / STEPS)).p50;
  return {
    metric: `pipeline overhead, ${label}: generation wall ÷ onnxruntime run time (runner level, p50 of ${samples.length})`,
    value: summarize(ratios).p50,
    unit: 'ratio',
    target: TARGET,
    note: `worst ${formatValue(Math.max(...ratios), 'ratio')}; ${formatValue(stepMs, 'ms')} of onnxruntime per guided step`,
  };
}

export const pipelineOverhead: Section = {
  name: 'pipeline overhead',
  needsServer: false,
  async run(settings): Promise<SectionResult> {
    const demo = await measure(settings, settings.models.demo, settings.quick ? 3 : 10);
    const sd = await measure(settings, settings.models.sdShaped, settings.quick ? 2 : 6);
    return {
      rows: [row('demo model', demo), row('SD-shaped model', sd)],
      raw: { steps: STEPS, guidance: 7.5, sampler: SAMPLER, previewEvery: PREVIEW_EVERY, demo, sdShaped: sd },
    };
  },
};
