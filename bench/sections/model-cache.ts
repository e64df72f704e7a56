// The model cache (issue 10): a switch to a resident model ÷ a repeat on the same model, the same switch when only
// one model may be resident (a reload), estimated vs measured memory of each bench model, and the GPU server's
// event-loop delay while two runners generate. Starts its own servers, since each needs its own cache settings.
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { weightBytes } from '../../server/registry/memory-estimate.js';
import { startChildScript } from '../child-script.js';
import { generateAll, whenDone, type GenerationSettings } from '../generation-wait.js';
import type { BenchModel } from '../models/bench-models.js';
import { childPids, residentBytes } from '../proc-stats.js';
import { switchChain, type ChainJob } from '../sequences.js';
import { startBenchServer, type BenchServer } from '../server-process.js';
import { driftPercent, median, ratio, summarize } from '../stats.js';
import { watchJobs } from '../subscription-watch.js';
import { formatValue, type ResultRow } from '../table.js';
import { measureWindow, type Window } from './responsiveness.js';
import { SETTLE_MS, type BenchSettings, type Section, type SectionResult } from './section.js';

const MB = 1024 * 1024;
const COPY_ID = 'easel-demo-copy';
const SWITCH_STEPS = 8;
const BUSY_STEPS = 20;

interface ChainSample extends ChainJob {
  modelId: string;
  /** generate.start sent → the job first seen running a step (step ≥ 1) on generate.onJobs. */
  firstStepMs: number;
  /** generate.start sent → the job first seen running (leased, before its runner's first step): the server's part. */
  runningMs: number;
}

interface MemoryReading {
  modelId: string;
  weightBytes: number;
  estimatedBytes: number;
  /** The runner's RSS in the LOAD_COMPLETED details. */
  measuredBytes: number;
  /** The same runner's RSS after a generation: onnxruntime maps external weights lazily and sizes its arena on
   * the first run, so this is the footprint a budget must hold. */
  afterGenerationBytes: number;
}

/** The server's child whose RSS is nearest the figure recorded at the load: the runner that holds the model. */
async function runnerNear(server: BenchServer, bytes: number): Promise<number> {
  const children = await Promise.all((await childPids(server.pid)).map(async (pid) => ({ pid, rss: (await residentBytes(pid)) ?? 0 })));
  if (children.length === 0) throw new Error('the GPU server has no runner process');
  return children.reduce((best, child) => (Math.abs(child.rss - bytes) < Math.abs(best.rss - bytes) ? child : best)).pid;
}

/** A second registered copy of the demo model, so two identical models can be resident at once. */
async function demoCopy(settings: BenchSettings): Promise<BenchModel> {
  const path = join(settings.models.root, COPY_ID);
  await rm(path, { recursive: true, force: true });
  await cp(settings.models.demo.path, path, { recursive: true });
  return { id: COPY_ID, path, files: [] };
}

async function cacheServer(settings: BenchSettings, name: string, env: Record<string, string>, models: BenchModel[]): Promise<BenchServer> {
  const server = await startBenchServer({ dataDir: join(settings.workDir, name), modelsDir: settings.models.root, threads: settings.threads, env });
  try {
    for (const model of models) await server.client.models.register.mutate({ path: model.path, id: model.id });
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Runs the A/B chain; each job starts the moment the previous one's done event arrives. */
async function chain(server: BenchServer, models: [BenchModel, BenchModel], pairs: number): Promise<ChainSample[]> {
  const { client } = server;
  // Both models resident and each one's first generation (one-off allocations) done before anything is timed.
  for (const model of models) await generateAll(client, { prompt: 'warm-up', steps: 2, seed: 1, model: model.id }, 1);
  await sleep(SETTLE_MS);
  // One subscription opened beforehand: a per-job onProgress opened after generate.start could arrive after the
  // demo model's first step (a few ms), and time its own set-up instead.
  const watch = watchJobs(client);
  try {
    const samples: ChainSample[] = [];
    for (const [index, job] of switchChain(pairs).entries()) {
      const modelId = models[job.model]!.id;
      const settings: GenerationSettings = { prompt: 'a red circle in the centre on a blue background', steps: SWITCH_STEPS, seed: 500 + index, model: modelId };
      const started = performance.now();
      const { id } = await client.generate.start.mutate(settings);
      const firstStep = await watch.until((jobs) => jobs.some((j) => j.id === id && j.status === 'running' && j.step >= 1), started);
      const running = watch.first((jobs) => jobs.some((j) => j.id === id && j.status === 'running'), started)!;
      await whenDone(client, id);
      samples.push({ ...job, modelId, firstStepMs: firstStep - started, runningMs: running - started });
    }
    return samples;
  } finally {
    watch.close();
  }
}

function switchRow(label: string, samples: ChainSample[], targeted: boolean): ResultRow {
  const of = (kind: ChainJob['kind'], figure: (s: ChainSample) => number = (s) => s.firstStepMs) => median(samples.filter((s) => s.kind === kind).map(figure));
  const [switched, same] = [of('switch'), of('same')];
  const [switchedRunning, sameRunning] = [of('switch', (s) => s.runningMs), of('same', (s) => s.runningMs)];
  return {
    metric: `model switch ${label}: generate.start on B right after a job on A ended → B's first step, ÷ the same on A then A (median of ${samples.filter((s) => s.kind === 'switch').length} each)`,
    value: ratio(switched, same),
    unit: 'ratio',
    ...(targeted ? { target: { op: '<=', limit: 1.1 } as const } : {}),
    note: `${formatValue(switched, 'ms')} vs ${formatValue(same, 'ms')}; of which start → running ${formatValue(switchedRunning, 'ms')} vs ${formatValue(sameRunning, 'ms')}`,
  };
}

/** Loads each model once and reads the estimate and the measurement from its LOAD_COMPLETED audit row. */
async function memoryReadings(server: BenchServer, models: BenchModel[]): Promise<MemoryReading[]> {
  const { client } = server;
  const readings: MemoryReading[] = [];
  for (const model of models) {
    await client.models.load.mutate({ id: model.id });
    const page = await client.history.transitions.query({ modelId: model.id, reason: 'LOAD_COMPLETED', limit: 1 });
    const details = page.items[0]?.details as { estimatedBytes?: number; memoryBytes?: number | null } | null | undefined;
    if (typeof details?.estimatedBytes !== 'number' || typeof details.memoryBytes !== 'number') {
      throw new Error(`the LOAD_COMPLETED row of ${model.id} has no estimatedBytes and measured memoryBytes: ${JSON.stringify(details)}`);
    }
    const runner = await runnerNear(server, details.memoryBytes);
    await generateAll(client, { prompt: 'memory', steps: BUSY_STEPS, seed: 3, model: model.id }, 1);
    const afterGenerationBytes = await residentBytes(runner);
    if (afterGenerationBytes === undefined) throw new Error(`the runner of ${model.id} (pid ${runner}) exited during a generation`);
    readings.push({ modelId: model.id, weightBytes: await weightBytes(model.path), estimatedBytes: details.estimatedBytes, measuredBytes: details.memoryBytes, afterGenerationBytes });
    await client.models.unload.mutate({ id: model.id });
    await sleep(SETTLE_MS);
  }
  return readings;
}

function memoryRows(label: string, reading: MemoryReading): ResultRow[] {
  const estimated = `${formatValue(reading.estimatedBytes / MB, 'MB')} estimated from ${formatValue(reading.weightBytes / MB, 'MB')} of weights`;
  return [
    {
      metric: `memory estimate, ${label}: (estimated − runner RSS after a ${BUSY_STEPS}-step generation) ÷ that RSS`,
      value: driftPercent(reading.afterGenerationBytes, reading.estimatedBytes),
      unit: '%',
      target: { op: 'within', limit: 25 },
      note: `${estimated} vs ${formatValue(reading.afterGenerationBytes / MB, 'MB')}`,
    },
    {
      metric: `memory estimate, ${label}: (estimated − the LOAD_COMPLETED measurement) ÷ that measurement`,
      value: driftPercent(reading.measuredBytes, reading.estimatedBytes),
      unit: '%',
      note: `${estimated} vs ${formatValue(reading.measuredBytes / MB, 'MB')} measured right after the load`,
    },
  ];
}

/** Both runners busy at once: `count` jobs queued on each model, with the status pinger going. */
async function twoRunnerWindow(server: BenchServer, models: [BenchModel, BenchModel], count: number): Promise<{ window: Window; overlapped: boolean }> {
  const pinger = startChildScript('load-client.ts');
  const watch = watchJobs(server.client);
  try {
    const started = performance.now();
    const window = await measureWindow(server, pinger, () =>
      Promise.all(models.map((model) => generateAll(server.client, { prompt: 'two at once', steps: BUSY_STEPS, seed: 900, model: model.id }, count))),
    );
    const overlapped = watch.first((jobs) => jobs.filter((j) => j.status === 'running').length >= 2, started) !== undefined;
    return { window, overlapped };
  } finally {
    watch.close();
    await pinger.close();
  }
}

export const modelCache: Section = {
  name: 'model cache',
  needsServer: false,
  async run(settings: BenchSettings): Promise<SectionResult> {
    // A demo job reaches its first step in ~15 ms, where a 2 ms wobble is 13 %: many pairs for a steady median.
    const pairs = settings.quick ? 4 : 30;
    // Enough demo jobs to keep both runners busy for a few seconds, within the server's queue limit of 32.
    const busyJobs = settings.quick ? 4 : 15;
    const a = settings.models.demo;
    const b = await demoCopy(settings);
    const resident = await cacheServer(settings, 'cache-resident', { EASEL_MAX_LOADED_MODELS: '2', EASEL_PARALLEL_JOBS: '2' }, [a, b, settings.models.sdShaped]);
    let residentChain: ChainSample[], memory: MemoryReading[], busy: { window: Window; overlapped: boolean };
    try {
      memory = await memoryReadings(resident, [a, settings.models.sdShaped]);
      residentChain = await chain(resident, [a, b], pairs);
      busy = await twoRunnerWindow(resident, [a, b], busyJobs);
    } finally {
      await resident.stop();
    }
    const reloading = await cacheServer(settings, 'cache-reload', { EASEL_MAX_LOADED_MODELS: '1' }, [a, b]);
    let reloadChain: ChainSample[];
    try {
      reloadChain = await chain(reloading, [a, b], pairs);
    } finally {
      await reloading.stop();
    }
    const loop = busy.window.loop;
    return {
      rows: [
        switchRow('between two resident demo models (EASEL_MAX_LOADED_MODELS=2)', residentChain, true),
        switchRow('with EASEL_MAX_LOADED_MODELS=1 (B reloaded, A evicted)', reloadChain, false),
        ...memoryRows('demo model', memory[0]!),
        ...memoryRows('SD-shaped model', memory[1]!),
        {
          metric: `GPU server event-loop delay while two runners generate (EASEL_PARALLEL_JOBS=2, ${busyJobs} demo jobs on each), max`,
          value: loop.maxMs,
          unit: 'ms',
          target: { op: '<=', limit: 20 },
          note: `p99 ${formatValue(loop.p99Ms, 'ms')}; models.status p99 ${formatValue(summarize(busy.window.status.latenciesMs).p99, 'ms')} from a second process; ${busy.overlapped ? 'both runners were seen running at once' : 'the two runners were NOT seen running at once'}`,
        },
      ],
      raw: { switchSteps: SWITCH_STEPS, busySteps: BUSY_STEPS, residentChain, reloadChain, memory, busy },
    };
  },
};
