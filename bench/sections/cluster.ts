// Sharing the work across a cluster (issue 17): the same batch of SD-shaped jobs, submitted at once through one
// node, on a one-node and on a two-node cluster (each on its own PostgreSQL database, every node with one
// onnxruntime thread and the model loaded and warm), alternated; images/min with 2 nodes ÷ with 1.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createScratchPostgres, type ScratchDatabase } from '../../tests/helpers/scratch-postgres.js';
import { openBenchPostgres, type BenchPostgres } from '../bench-postgres.js';
import { whenDone } from '../generation-wait.js';
import { rotate } from '../sequences.js';
import { startBenchServer, type BenchServer } from '../server-process.js';
import { median, ratio } from '../stats.js';
import { formatValue, type ResultRow, type Target } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const METRIC = 'cluster: images/min, 2 nodes ÷ 1 node (1 thread each)';
const TARGET: Target = { op: '>=', limit: 1.7 };
const JOB = { prompt: 'a red circle', sampler: 'EULER', guidance: 7.5, width: 256, height: 256 } as const;
const HEARTBEAT_MS = 1000;
const WARM_UP_STEPS = 2;

type NodeCount = 1 | 2;

interface JobSample {
  id: string;
  node: string;
  /** Submit (generate.start sent) → the job's startedAt and finishedAt, server clock. */
  startedAfterMs: number;
  finishedAfterMs: number;
  runMs: number;
}

interface Batch {
  nodes: NodeCount;
  round: number;
  /** Submit → the last done event, as the client sees it. */
  wallMs: number;
  imagesPerMinute: number;
  jobs: JobSample[];
}

interface Provisioned {
  postgres: BenchPostgres;
  databases: ScratchDatabase[];
}

/** The PostgreSQL server and one scratch database per cluster, or why there are none. */
async function provision(): Promise<Provisioned | { reason: string }> {
  let postgres: BenchPostgres;
  try {
    postgres = await openBenchPostgres();
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
  const databases: ScratchDatabase[] = [];
  try {
    for (let i = 0; i < 2; i++) databases.push(await createScratchPostgres(postgres.adminUrl));
    return { postgres, databases };
  } catch (error) {
    for (const database of databases) await database.dispose().catch(() => undefined);
    await postgres.stop();
    return { reason: `no scratch database on ${postgres.source}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Starts the nodes one after the other (the first applies the migrations), registers the model, loads it on each. */
async function startCluster(settings: BenchSettings, database: ScratchDatabase, name: string, nodeCount: NodeCount, started: BenchServer[]): Promise<BenchServer[]> {
  const names = Array.from({ length: nodeCount }, (_, i) => `${name}-${i + 1}`);
  const nodes: BenchServer[] = [];
  for (const nodeName of names) {
    const server = await startBenchServer({
      dataDir: join(settings.workDir, nodeName),
      modelsDir: settings.models.root,
      threads: 1,
      env: {
        DATABASE_URL: database.url,
        EASEL_NODE_NAME: nodeName,
        EASEL_IMAGES_DIR: join(settings.workDir, `${name}-images`),
        EASEL_WARM_RUNNER: '0',
        EASEL_PARALLEL_JOBS: '1',
        EASEL_HEARTBEAT_MS: String(HEARTBEAT_MS),
      },
    });
    started.push(server);
    nodes.push(server);
  }
  const model = settings.models.sdShaped;
  await nodes[0]!.client.models.register.mutate({ path: model.path, id: model.id });
  // Named: without a node, a load goes to the node that already holds the model.
  for (const [i, node] of nodes.entries()) await node.client.models.load.mutate({ id: model.id, node: names[i]! });
  return nodes;
}

/** Submits `count` jobs in one generate.start through the first node and follows them to the end. */
async function runBatch(nodes: BenchServer[], model: string, count: number, steps: number, seed: number): Promise<Omit<Batch, 'nodes' | 'round'>> {
  const { client } = nodes[0]!;
  const submittedAt = Date.now();
  const started = performance.now();
  const { ids } = await client.generate.start.mutate({ ...JOB, model, steps, seed, count });
  await Promise.all(ids.map((id) => whenDone(client, id)));
  const wallMs = performance.now() - started;
  const rows = await Promise.all(ids.map((id) => client.generate.get.query({ id })));
  const jobs = rows.map((row) => ({
    id: row.id,
    node: row.node ?? 'unknown',
    startedAfterMs: (row.startedAt?.getTime() ?? Number.NaN) - submittedAt,
    finishedAfterMs: (row.finishedAt?.getTime() ?? Number.NaN) - submittedAt,
    runMs: row.runMs ?? Number.NaN,
  }));
  return { wallMs, imagesPerMinute: (count / wallMs) * 60_000, jobs };
}

/** A short job on every node (each one's first generation sizes its arena), checked by where they ran. */
async function warmUp(nodes: BenchServer[], model: string): Promise<void> {
  const { jobs } = await runBatch(nodes, model, 2 * nodes.length, WARM_UP_STEPS, 1);
  const ran = new Set(jobs.map((job) => job.node));
  if (ran.size < nodes.length) throw new Error(`the warm-up jobs all ran on ${[...ran].join(', ')}: the other node took none of ${jobs.length}`);
}

function splitOf(batch: Batch): string {
  const counts = new Map<string, number>();
  for (const job of batch.jobs) counts.set(job.node, (counts.get(job.node) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => b - a).join('/');
}

/** Submit → the first start on the node that started last: how long the second node left its share waiting. */
function secondNodeStartMs(batch: Batch): number {
  const firstStart = new Map<string, number>();
  for (const job of batch.jobs) firstStart.set(job.node, Math.min(firstStart.get(job.node) ?? Infinity, job.startedAfterMs));
  return firstStart.size < 2 ? Number.NaN : Math.max(...firstStart.values());
}

/** The pauses between one job's end and the next one's start on the same node: the hand-off through pg-boss. */
function handOffGapsMs(batch: Batch): number[] {
  const gaps: number[] = [];
  for (const node of new Set(batch.jobs.map((job) => job.node))) {
    const own = batch.jobs.filter((job) => job.node === node).sort((a, b) => a.startedAfterMs - b.startedAfterMs);
    for (let i = 1; i < own.length; i++) gaps.push(own[i]!.startedAfterMs - own[i - 1]!.finishedAfterMs);
  }
  return gaps;
}

function meanRunMs(batches: Batch[]): number {
  const runs = batches.flatMap((batch) => batch.jobs.map((job) => job.runMs));
  return runs.reduce((a, b) => a + b, 0) / runs.length;
}

function resultRows(batches: Batch[], count: number, steps: number): ResultRow[] {
  const of = (nodes: NodeCount) => batches.filter((batch) => batch.nodes === nodes);
  const rounds = [...new Set(batches.map((batch) => batch.round))];
  const ratios = rounds.map((round) => {
    const [one, two] = [1, 2].map((nodes) => batches.find((batch) => batch.round === round && batch.nodes === nodes)!);
    return ratio(two!.imagesPerMinute, one!.imagesPerMinute);
  });
  const [perMinute1, perMinute2] = [of(1), of(2)].map((batch) => median(batch.map((b) => b.imagesPerMinute)));
  const [run1, run2] = [meanRunMs(of(1)), meanRunMs(of(2))];
  const secondStart = median(of(2).map(secondNodeStartMs));
  const gap = median(of(2).flatMap(handOffGapsMs));
  return [
    {
      metric: `${METRIC}, ${count} SD-shaped jobs of ${steps} EULER steps at 256×256 submitted at once (${rounds.length === 1 ? 'one round' : `median of ${rounds.length} rounds`})`,
      value: median(ratios),
      unit: 'ratio',
      target: TARGET,
      note:
        `${formatValue(perMinute2!, 'img/min')} vs ${formatValue(perMinute1!, 'img/min')}; per round ${ratios.map((r) => formatValue(r, 'ratio')).join(', ')}; ` +
        `jobs per node with 2 nodes ${of(2).map(splitOf).join(', ')}; the second node's first job started ${formatValue(secondStart, 'ms')} after the submit; ` +
        `${formatValue(gap, 'ms')} between a node's jobs (median)`,
    },
    {
      metric: 'cluster: onnxruntime time per job, 2 nodes ÷ 1 node (both cores busy vs one)',
      value: ratio(run2, run1),
      unit: 'ratio',
      note: `${formatValue(run2, 'ms')} vs ${formatValue(run1, 'ms')}: at this cost a job, 2 nodes give at most ${formatValue(ratio(2 * run1, run2), 'ratio')} the images of 1`,
    },
  ];
}

export const cluster: Section = {
  name: 'cluster',
  needsServer: false,
  async run(settings: BenchSettings): Promise<SectionResult> {
    const count = settings.quick ? 4 : 8;
    const steps = settings.quick ? 10 : 20;
    const rounds = settings.quick ? 1 : 3;
    const provisioned = await provision();
    if ('reason' in provisioned) {
      return { rows: [{ metric: METRIC, value: null, unit: 'ratio', note: `not measured: ${provisioned.reason}` }], raw: { reason: provisioned.reason } };
    }
    const { postgres, databases } = provisioned;
    const servers: BenchServer[] = [];
    try {
      const clusters: Record<NodeCount, BenchServer[]> = {
        1: await startCluster(settings, databases[0]!, 'solo', 1, servers),
        2: await startCluster(settings, databases[1]!, 'pair', 2, servers),
      };
      const model = settings.models.sdShaped.id;
      for (const nodes of Object.values(clusters)) await warmUp(nodes, model);
      const batches: Batch[] = [];
      for (let round = 0; round < rounds; round++) {
        // Which cluster goes first changes every round: a shared machine drifts over a run.
        for (const nodes of rotate<NodeCount>([1, 2], round)) {
          batches.push({ nodes, round, ...(await runBatch(clusters[nodes], model, count, steps, 100 * (round + 1))) });
        }
      }
      return { rows: resultRows(batches, count, steps), raw: { postgres: postgres.source, count, steps, heartbeatMs: HEARTBEAT_MS, batches } };
    } finally {
      for (const server of servers) await server.stop();
      for (const database of databases) await database.dispose();
      await postgres.stop();
    }
  },
};
