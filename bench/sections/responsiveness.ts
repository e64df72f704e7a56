// 2. Responsiveness: the GPU server's event-loop delay (its preloaded probe) while it loads the SD-shaped model
// and while it runs a generation on it, and the latency of models.status sent meanwhile at a steady rate by a
// second process. onnxruntime runs in the runner process, so neither should move much.
import { setTimeout as sleep } from 'node:timers/promises';
import { startChildScript, type ChildScript } from '../child-script.js';
import { generateAll } from '../generation-wait.js';
import type { SteadyRateResult } from '../http-load.js';
import type { LoadClientCommand } from '../load-client.js';
import type { ProbeSnapshot } from '../loop-probe.js';
import type { BenchServer } from '../server-process.js';
import { summarize } from '../stats.js';
import { formatValue, type ResultRow } from '../table.js';
import { SETTLE_MS, type BenchSettings, type Section, type SectionResult } from './section.js';

/** 50 status requests a second: a busy dashboard's worth, well under what the server answers when idle. */
const STATUS_INTERVAL_MS = 20;
const WINDOW_LIMIT_MS = 110_000;
const LOOP_TARGET = { op: '<=', limit: 20 } as const;
const STATUS_TARGET = { op: '<=', limit: 10 } as const;

export interface Window {
  loop: ProbeSnapshot['loop'];
  gc: ProbeSnapshot['gc'];
  windowMs: number;
  status: SteadyRateResult;
}

type Reply = { type: 'started' } | { type: 'result'; result: SteadyRateResult } | { type: 'error'; message: string };

/** Runs `work` with the status pinger going and the loop probe's window around it. */
export async function measureWindow(server: BenchServer, pinger: ChildScript, work: () => Promise<unknown>): Promise<Window> {
  // Opens the window (and runs the snapshot's full GC) before the pinger's counted requests begin.
  await server.snapshot();
  pinger.send({ type: 'steady', url: `${server.trpcUrl}/models.status`, intervalMs: STATUS_INTERVAL_MS, maxDurationMs: WINDOW_LIMIT_MS } satisfies LoadClientCommand);
  const started = await pinger.reply<Reply>();
  if (started.type !== 'started') throw new Error(`the status pinger did not start: ${JSON.stringify(started)}`);
  await work();
  // The pinger stops before the snapshot: taking one runs a full GC in the server, which belongs to no window.
  pinger.send({ type: 'stop' } satisfies LoadClientCommand);
  const reply = await pinger.reply<Reply>();
  const snapshot = await server.snapshot();
  if (reply.type !== 'result') throw new Error(`the status pinger failed: ${JSON.stringify(reply)}`);
  return { loop: snapshot.loop, gc: snapshot.gc, windowMs: snapshot.windowMs, status: reply.result };
}

function rows(label: string, windows: Window[], targeted = true): ResultRow[] {
  const latencies = windows.flatMap((w) => w.status.latenciesMs);
  const errors = windows.reduce((n, w) => n + w.status.errors, 0);
  const p99 = Math.max(...windows.map((w) => w.loop.p99Ms));
  const longestGc = Math.max(...windows.map((w) => w.gc.maxMs));
  return [
    {
      metric: `GPU server event-loop delay during ${label}, max`,
      value: Math.max(...windows.map((w) => w.loop.maxMs)),
      unit: 'ms',
      ...(targeted ? { target: LOOP_TARGET } : {}),
      note: `p99 ${formatValue(p99, 'ms')}; longest GC pause ${formatValue(longestGc, 'ms')}`,
    },
    {
      metric: `models.status latency from a second process during ${label}, p99`,
      value: summarize(latencies).p99,
      unit: 'ms',
      ...(targeted ? { target: STATUS_TARGET } : {}),
      note: `${latencies.length} requests, 1 per ${STATUS_INTERVAL_MS} ms${errors > 0 ? `; ${errors} failed` : ''}`,
    },
  ];
}

export const responsiveness: Section = {
  name: 'responsiveness',
  needsServer: true,
  async run(settings: BenchSettings, server: BenchServer | undefined): Promise<SectionResult> {
    const { client } = server!;
    const model = settings.models.sdShaped;
    const repetitions = settings.quick ? 1 : 3;
    const pinger = startChildScript('load-client.ts');
    try {
      // One load and a short generation first: the server's first use of each code path (compiling it, Prisma
      // planning each query shape) is a one-off, not how it behaves while serving.
      await client.models.load.mutate({ id: model.id });
      await generateAll(client, { prompt: 'warm-up', steps: 2, seed: 1 }, 1);
      await client.models.unload.mutate();
      await sleep(SETTLE_MS);
      // The control: the same probe and pinger with the server idle, so what the machine itself adds is visible.
      const idle = [await measureWindow(server!, pinger, () => sleep(settings.quick ? 2000 : 5000))];
      const loads: Window[] = [];
      for (let i = 0; i < repetitions; i++) {
        loads.push(await measureWindow(server!, pinger, () => client.models.load.mutate({ id: model.id })));
        await client.models.unload.mutate();
        await sleep(SETTLE_MS);
      }
      await client.models.load.mutate({ id: model.id });
      await sleep(SETTLE_MS);
      const generations: Window[] = [];
      for (let i = 0; i < repetitions; i++) {
        const settingsOfJob = { prompt: 'a green square at the top left on a yellow background', steps: 20, seed: 7 + i };
        generations.push(await measureWindow(server!, pinger, () => generateAll(client, settingsOfJob, 1)));
      }
      await client.models.unload.mutate();
      return {
        rows: [...rows('an idle window (control)', idle, false), ...rows('a load of the SD-shaped model', loads), ...rows('a 20-step generation on it', generations)],
        raw: { statusIntervalMs: STATUS_INTERVAL_MS, idle, loads, generations },
      };
    } finally {
      await pinger.close();
    }
  },
};
