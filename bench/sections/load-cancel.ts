// 3. Load and cancel: models.load as a client times it ÷ InferenceSession.create of the same files in a plain
// script (alternating, on the demo and the SD-shaped model, each load after a quiet pause; one load sent right
// after an unload is shown apart); and cancel → IDLE while a slow model is opening.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BareCreateRequest, BareCreateResult } from '../bare-create.js';
import { startChildScript } from '../child-script.js';
import type { BenchModel } from '../models/bench-models.js';
import type { BenchServer } from '../server-process.js';
import { median, ratio, summarize } from '../stats.js';
import { watchStatus } from '../subscription-watch.js';
import { formatValue, type ResultRow } from '../table.js';
import { SETTLE_MS, type BenchSettings, type Section, type SectionResult } from './section.js';

interface LoadPair {
  loadMs: number;
  /** models.load sent → the first part about to open: runner process start-up and folder checks. */
  beforeFirstPartMs: number;
  bare: BareCreateResult;
}

async function bareCreate(model: BenchModel, threads: number): Promise<BareCreateResult> {
  const script = startChildScript('bare-create.ts');
  try {
    script.send({ files: model.files, threads } satisfies BareCreateRequest);
    return await script.reply<BareCreateResult>();
  } finally {
    await script.close();
  }
}

async function loadPairs(server: BenchServer, model: BenchModel, settings: BenchSettings, rounds: number): Promise<LoadPair[]> {
  const watch = watchStatus(server.client);
  const timeLoad = async () => {
    await sleep(SETTLE_MS);
    const started = performance.now();
    await server.client.models.load.mutate({ id: model.id });
    const loadMs = performance.now() - started;
    const firstPart = await watch.until((s) => s.models.some((m) => m.modelId === model.id && m.state === 'LOADING' && m.loadProgress?.index === 0), started);
    await server.client.models.unload.mutate();
    return { loadMs, beforeFirstPartMs: firstPart - started };
  };
  const pairs: LoadPair[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so a drift in machine load does not favour one side.
      if (round % 2 === 0) {
        const bare = await bareCreate(model, settings.threads);
        pairs.push({ bare, ...(await timeLoad()) });
      } else {
        const load = await timeLoad();
        pairs.push({ ...load, bare: await bareCreate(model, settings.threads) });
      }
    }
  } finally {
    watch.close();
  }
  return pairs;
}

/**
 * Load, unload and load again with no pause, as a script might: the server starts its next runner only after a
 * second of quiet, so this load boots one itself. The worst case, shown apart from the target.
 */
async function backToBackLoad(server: BenchServer, model: BenchModel): Promise<number> {
  const { client } = server;
  await client.models.load.mutate({ id: model.id });
  await client.models.unload.mutate();
  const started = performance.now();
  await client.models.load.mutate({ id: model.id });
  const loadMs = performance.now() - started;
  await client.models.unload.mutate();
  return loadMs;
}

interface CancelSample {
  delayMs: number;
  /** models.cancel sent → its answer. */
  cancelCallMs: number;
  /** models.cancel sent → IDLE seen on the subscription. */
  toIdleMs: number;
}

/** Cancels loads of the slow model while its UNet is being opened, after varying delays. */
async function cancelSamples(server: BenchServer, model: BenchModel, count: number): Promise<CancelSample[]> {
  const { client } = server;
  const watch = watchStatus(client);
  const samples: CancelSample[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const asked = performance.now();
      const load = client.models.load.mutate({ id: model.id }).then(
        () => new Error(`the load of ${model.id} finished before it was cancelled; the slow model opens too fast here`),
        () => undefined,
      );
      await watch.until((s) => s.models.some((m) => m.modelId === model.id && m.state === 'LOADING' && m.loadProgress?.part === 'unet'), asked);
      // Spread over the UNet's seconds-long create, so cancels land at different points inside it.
      const delayMs = 50 + ((i * 137) % 450);
      await sleep(delayMs);
      const sent = performance.now();
      await client.models.cancel.mutate();
      const cancelCallMs = performance.now() - sent;
      const idleAt = await watch.until((s) => !s.models.some((m) => m.modelId === model.id), sent);
      const failure = await load;
      if (failure) throw failure;
      samples.push({ delayMs, cancelCallMs, toIdleMs: idleAt - sent });
    }
  } finally {
    watch.close();
  }
  return samples;
}

function loadRows(label: string, pairs: LoadPair[]): ResultRow[] {
  const loadMs = median(pairs.map((p) => p.loadMs));
  const createMs = median(pairs.map((p) => p.bare.createMs));
  const scriptMs = median(pairs.map((p) => p.bare.sinceStartMs));
  const startMs = median(pairs.map((p) => p.beforeFirstPartMs));
  return [
    {
      metric: `load overhead, ${label}: models.load ÷ bare InferenceSession.create of the same files (p50 of ${pairs.length})`,
      value: ratio(loadMs, createMs),
      unit: 'ratio',
      target: { op: '<=', limit: 1.15 },
      note: `${formatValue(loadMs, 'ms')} vs ${formatValue(createMs, 'ms')}; ${formatValue(startMs, 'ms')} of the load pass before its first part opens`,
    },
    // The runner is a fresh process on every load: this compares like with like on process start-up.
    {
      metric: `models.load ÷ the plain script's whole run (node start-up and imports included), ${label}`,
      value: ratio(loadMs, scriptMs),
      unit: 'ratio',
      note: `script ${formatValue(scriptMs, 'ms')}`,
    },
  ];
}

export const loadAndCancel: Section = {
  name: 'load and cancel',
  needsServer: true,
  async run(settings: BenchSettings, server: BenchServer | undefined): Promise<SectionResult> {
    const { models, quick } = settings;
    await server!.client.models.unload.mutate();
    const demo = await loadPairs(server!, models.demo, settings, quick ? 2 : 6);
    const sdShaped = await loadPairs(server!, models.sdShaped, settings, quick ? 2 : 6);
    const backToBackMs = await backToBackLoad(server!, models.demo);
    const cancels = await cancelSamples(server!, models.slowLoad, quick ? 5 : 20);
    const toIdle = summarize(cancels.map((c) => c.toIdleMs));
    return {
      rows: [
        ...loadRows('demo model', demo),
        ...loadRows('SD-shaped model', sdShaped),
        {
          metric: 'models.load of the demo model right after a load and an unload with no pause (no spare runner ready)',
          value: backToBackMs,
          unit: 'ms',
          note: `vs ${formatValue(median(demo.map((p) => p.loadMs)), 'ms')} after ${SETTLE_MS / 1000} s of quiet`,
        },
        {
          metric: `cancel → IDLE during a slow load, p99 of ${cancels.length}`,
          value: toIdle.p99,
          unit: 'ms',
          target: { op: '<=', limit: 100 },
          note: `p50 ${formatValue(toIdle.p50, 'ms')}`,
        },
      ],
      raw: { settleMs: SETTLE_MS, demo, sdShaped, backToBackMs, cancels },
    };
  },
};
