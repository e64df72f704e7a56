// `npm run bench [-- --quick --only … --threads n]`: runs the benchmark sections side by side on this machine, prints
// metric | value | target | met?, and writes every raw sample with the machine's description to bench/results.json.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCliOptions, USAGE } from './cli-options.js';
import { describeMachine, machineInfo } from './machine.js';
import { prepareBenchModels, type BenchModels } from './models/bench-models.js';
import { startBenchServer, type BenchServer } from './server-process.js';
import { apiOverhead } from './sections/api-overhead.js';
import { batching } from './sections/batching.js';
import { cluster } from './sections/cluster.js';
import { floor } from './sections/floor.js';
import { loadAndCancel } from './sections/load-cancel.js';
import { memoryCycles } from './sections/memory.js';
import { modelCache } from './sections/model-cache.js';
import { pipelineOverhead } from './sections/pipeline-overhead.js';
import { responsiveness } from './sections/responsiveness.js';
import type { BenchSettings, Section, SectionResult } from './sections/section.js';
import { throughput } from './sections/throughput.js';
import { renderTable, type ResultRow } from './table.js';

/** Runner-level sections and those that start servers of their own first; then the shared server's, lightest load first. */
const SECTIONS: Record<string, Section> = {
  overhead: pipelineOverhead,
  floor,
  cache: modelCache,
  cluster,
  batching,
  api: apiOverhead,
  responsiveness,
  load: loadAndCancel,
  memory: memoryCycles,
  throughput,
};

const RESULTS_FILE = resolve(import.meta.dirname, 'results.json');

async function registerModels(server: BenchServer, models: BenchModels): Promise<void> {
  for (const model of [models.demo, models.sdShaped, models.slowLoad]) {
    await server.client.models.register.mutate({ path: model.path, id: model.id });
  }
}

interface Outcome {
  result?: SectionResult;
  error?: string;
  durationMs: number;
}

async function runSection(section: Section, settings: BenchSettings, server: BenchServer | undefined): Promise<Outcome> {
  const started = performance.now();
  process.stderr.write(`bench: ${section.name}…\n`);
  try {
    const result = await section.run(settings, server);
    return { result, durationMs: performance.now() - started };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${section.name} failed: ${message}\n`);
    return { error: message, durationMs: performance.now() - started };
  }
}

async function main(): Promise<number> {
  const options = parseCliOptions(process.argv.slice(2), Object.keys(SECTIONS));
  const selected = Object.entries(SECTIONS).filter(([key]) => options.only.length === 0 || options.only.includes(key));
  const started = performance.now();
  const machine = machineInfo();
  const workDir = await mkdtemp(join(tmpdir(), 'easel-bench-'));
  const threads = options.threads ?? availableParallelism();
  const settings: BenchSettings = { quick: options.quick, threads, workDir, models: await prepareBenchModels() };
  const outcomes: Record<string, Outcome> = {};
  let server: BenchServer | undefined;
  try {
    for (const [key, section] of selected) {
      if (section.needsServer && !server) {
        server = await startBenchServer({ dataDir: join(workDir, 'data'), modelsDir: settings.models.root, threads: settings.threads });
        await registerModels(server, settings.models);
      }
      outcomes[key] = await runSection(section, settings, server);
    }
  } finally {
    await server?.stop();
    await rm(workDir, { recursive: true, force: true });
  }

  const rows: ResultRow[] = selected.flatMap(([key, section]) => {
    const outcome = outcomes[key]!;
    return outcome.result?.rows ?? [{ metric: section.name, value: null, unit: 'ratio', note: `failed: ${outcome.error}` } satisfies ResultRow];
  });
  const durationMs = performance.now() - started;
  const loadAverageAtEnd = loadavg()[0]!;
  await writeFile(
    RESULTS_FILE,
    `${JSON.stringify({ machine, loadAverageAtEnd, settings: { quick: options.quick, threads: settings.threads }, durationMs, rows, sections: outcomes }, null, 2)}\n`,
  );
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  process.stdout.write(`Machine: ${describeMachine(machine)}; load average ${machine.loadAverage.toFixed(1)} at start, ${loadAverageAtEnd.toFixed(1)} at the end.\n`);
  // Only the figure taken before the benchmark started anything says whether other work was running.
  if (machine.loadAverage > machine.cores) {
    process.stdout.write('The machine was busy with other work when the run began (load average above its core count): latencies and step times are inflated; rerun on a quiet machine.\n');
  }
  process.stdout.write(`${options.quick ? 'Quick run' : 'Full run'} took ${(durationMs / 1000).toFixed(0)} s; raw figures in ${RESULTS_FILE}.\n`);
  return Object.values(outcomes).some((o) => o.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  },
);
