// Easel against the floor (issue 16): a 20-step EULER job on the SD-shaped model through the GPU server's API vs
// the same job in the hand-written onnxruntime pipeline (bench/floor-pipeline.ts), alternated, at 1 and 2 threads.
// Also onnxruntime's time per step in each, and what the runner's nice level 10 costs: the plain script at nice 0
// and 10, and the runner reniced to 0 from outside (the server has no switch for it).
import { join } from 'node:path';
import { startChildScript, type ChildScript } from '../child-script.js';
import type { FloorCommand, FloorReply } from '../floor-pipeline.js';
import { generateAll, type GenerationSettings } from '../generation-wait.js';
import { childPids, reniceThreads } from '../proc-stats.js';
import { rotate } from '../sequences.js';
import { startBenchServer, type BenchServer } from '../server-process.js';
import { median, ratio } from '../stats.js';
import { formatValue, type ResultRow } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const STEPS = 20;
const GUIDANCE = 7.5;
const SEED = 4242;
const THREADS = [1, 2];
/** The runner's own level (server/runner/runner-child.ts). */
const RUNNER_NICE = 10;

type Variant = 'easel' | 'easelNice0' | 'easelAuto' | 'floor' | 'floorNice10';

interface Sample {
  variant: Variant;
  wallMs: number;
  /** Time inside onnxruntime run() calls (Easel's runMs). */
  runMs: number;
  /** The plain script's UNet calls alone. */
  unetMs?: number;
}

interface FloorChild {
  script: ChildScript;
  ask(command: FloorCommand): Promise<Extract<FloorReply, { type: 'opened' | 'ran' }>>;
}

function startFloor(): FloorChild {
  const script = startChildScript('floor-pipeline.ts');
  return {
    script,
    async ask(command) {
      script.send(command);
      const reply = await script.reply<FloorReply>();
      if (reply.type === 'error') throw new Error(`bench/floor-pipeline.ts: ${reply.message}`);
      return reply;
    },
  };
}

async function easelRun(server: BenchServer, job: GenerationSettings): Promise<Omit<Sample, 'variant'>> {
  const { wallMs, runMs } = await generateAll(server.client, job, 1);
  return { wallMs, runMs };
}

/** Renices every runner of the server; false when the system refuses (not root). */
async function reniceRunners(server: BenchServer, nice: number): Promise<boolean> {
  let done = true;
  for (const pid of await childPids(server.pid)) done = (await reniceThreads(pid, nice)) && done;
  return done;
}

/** At 1 thread, also a server with EASEL_DEVICE=auto: the case issue 16 found 1.23× (the failed WebGPU probe in the runner). */
const AUTO_AT_THREADS = 1;

async function atThreads(settings: BenchSettings, threads: number, runs: number): Promise<{ samples: Sample[]; reniced: boolean; autoDevice: string | null }> {
  const model = settings.models.sdShaped;
  const side = 256;
  const job: GenerationSettings = { prompt: 'a red circle', steps: STEPS, seed: SEED, sampler: 'EULER', guidance: GUIDANCE, width: side, height: side, model: model.id };
  const server = await startBenchServer({ dataDir: join(settings.workDir, `floor-${threads}`), modelsDir: settings.models.root, threads });
  const floors = { floor: startFloor(), floorNice10: startFloor() };
  const auto =
    threads === AUTO_AT_THREADS
      ? await startBenchServer({ dataDir: join(settings.workDir, `floor-auto-${threads}`), modelsDir: settings.models.root, threads, env: { EASEL_DEVICE: 'auto' } })
      : null;
  try {
    let autoDevice: string | null = null;
    for (const easel of auto ? [server, auto] : [server]) {
      await easel.client.models.register.mutate({ path: model.path, id: model.id });
      const status = await easel.client.models.load.mutate({ id: model.id });
      if (easel === auto) autoDevice = status.models.find((m) => m.modelId === model.id)?.device ?? null;
    }
    if (auto) await easelRun(auto, { ...job, steps: 2 });
    await floors.floor.ask({ type: 'open', modelPath: model.path, threads, nice: 0 });
    await floors.floorNice10.ask({ type: 'open', modelPath: model.path, threads, nice: RUNNER_NICE });
    // First runs pay one-off allocations in each: short ones, not counted.
    await easelRun(server, { ...job, steps: 2 });
    for (const floor of Object.values(floors)) await floor.ask({ type: 'run', steps: 2, guidance: GUIDANCE, seed: SEED, size: side });
    // Lowering a nice level needs root: tried once, untimed, so a refusal drops that variant instead of failing.
    const reniced = await reniceRunners(server, 0);
    await reniceRunners(server, RUNNER_NICE);
    const variants: Variant[] = reniced ? ['easel', 'floor', 'easelNice0', 'floorNice10'] : ['easel', 'floor', 'floorNice10'];
    if (auto) variants.push('easelAuto');
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      for (const variant of rotate(variants, i)) {
        if (variant === 'easel') samples.push({ variant, ...(await easelRun(server, job)) });
        else if (variant === 'easelAuto') samples.push({ variant, ...(await easelRun(auto!, job)) });
        else if (variant === 'easelNice0') {
          await reniceRunners(server, 0);
          samples.push({ variant, ...(await easelRun(server, job)) });
          await reniceRunners(server, RUNNER_NICE);
        } else {
          const ran = (await floors[variant].ask({ type: 'run', steps: STEPS, guidance: GUIDANCE, seed: SEED, size: side })) as Extract<FloorReply, { type: 'ran' }>;
          samples.push({ variant, wallMs: ran.wallMs, runMs: ran.runMs, unetMs: ran.unetMs });
        }
      }
    }
    return { samples, reniced, autoDevice };
  } finally {
    await Promise.all(Object.values(floors).map((floor) => floor.script.close()));
    await server.stop();
    await auto?.stop();
  }
}

function rows(threads: number, samples: Sample[], reniced: boolean, autoDevice: string | null): ResultRow[] {
  const wall = (variant: Variant) => median(samples.filter((s) => s.variant === variant).map((s) => s.wallMs));
  const step = (variant: Variant) => median(samples.filter((s) => s.variant === variant).map((s) => s.runMs / STEPS));
  const label = `${threads} thread${threads > 1 ? 's' : ''}`;
  const count = samples.filter((s) => s.variant === 'floor').length;
  const result: ResultRow[] = [
    {
      metric: `Easel wall through the API ÷ hand-written onnxruntime pipeline, SD-shaped model, ${STEPS} EULER steps, ${label} (medians of ${count})`,
      value: ratio(wall('easel'), wall('floor')),
      unit: 'ratio',
      target: { op: '<=', limit: 1.05 },
      note: `${formatValue(wall('easel'), 'ms')} vs ${formatValue(wall('floor'), 'ms')}`,
    },
    {
      metric: `onnxruntime time per step (runMs ÷ ${STEPS}, text encoder and VAE included), runner ÷ plain script, ${label}`,
      value: ratio(step('easel'), step('floor')),
      unit: 'ratio',
      note: `runner ${formatValue(step('easel'), 'ms')} vs plain script ${formatValue(step('floor'), 'ms')} a step`,
    },
    {
      metric: `plain script at nice ${RUNNER_NICE} ÷ at nice 0, onnxruntime time per step, ${label}`,
      value: ratio(step('floorNice10'), step('floor')),
      unit: 'ratio',
      note: `${formatValue(step('floorNice10'), 'ms')} vs ${formatValue(step('floor'), 'ms')} a step`,
    },
  ];
  if (samples.some((s) => s.variant === 'easelAuto')) {
    result.push({
      metric: `Easel wall through the API with EASEL_DEVICE=auto ÷ hand-written onnxruntime pipeline, ${label} (devices probed once, in a process of their own)`,
      value: ratio(wall('easelAuto'), wall('floor')),
      unit: 'ratio',
      target: { op: '<=', limit: 1.05 },
      note: `${formatValue(wall('easelAuto'), 'ms')} vs ${formatValue(wall('floor'), 'ms')}; auto chose ${autoDevice ?? 'unknown'}; per step ${formatValue(step('easelAuto'), 'ms')} vs ${formatValue(step('floor'), 'ms')}`,
    });
  }
  if (reniced) {
    result.push({
      metric: `Easel wall with its runner at nice ${RUNNER_NICE} (as shipped) ÷ reniced to 0 by the bench, ${label}`,
      value: ratio(wall('easel'), wall('easelNice0')),
      unit: 'ratio',
      note: `${formatValue(wall('easel'), 'ms')} vs ${formatValue(wall('easelNice0'), 'ms')}; per step ${formatValue(step('easel'), 'ms')} vs ${formatValue(step('easelNice0'), 'ms')}`,
    });
  }
  return result;
}

export const floor: Section = {
  name: 'floor',
  needsServer: false,
  async run(settings: BenchSettings): Promise<SectionResult> {
    const runs = settings.quick ? 3 : 5;
    const result: SectionResult = { rows: [], raw: { steps: STEPS, guidance: GUIDANCE, seed: SEED, sampler: 'EULER' } };
    for (const threads of THREADS) {
      const { samples, reniced, autoDevice } = await atThreads(settings, threads, runs);
      result.rows.push(...rows(threads, samples, reniced, autoDevice));
      result.raw[`threads${threads}`] = { reniced, autoDevice, samples };
    }
    return result;
  },
};
