// 4. Memory: the GPU server's RSS (model unloaded) and server + runner RSS (model loaded), the server's always
// after a forced GC, in the first and the last of many load/unload cycles of the demo model; drift = leak signal.
// The cycles measured follow warm-up cycles: the first loads compile code paths once (V8's optimised code and its
// feedback grow the heap by about 1.5 MB over the first 20 cycles, then stop; a heap snapshot diff of cycle 40
// against cycle 140 holds only V8 code objects, about 250 KB, and no Easel object), which is not a leak.
import type { BenchServer } from '../server-process.js';
import { residentBytes, treeResidentBytes } from '../proc-stats.js';
import { driftPercent } from '../stats.js';
import { formatValue } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const MB = 1024 * 1024;
const DRIFT_TARGET = { op: '<=', limit: 2 } as const;

interface Reading {
  cycle: number;
  /** Server (after a full GC) and runner while the model is loaded. */
  loadedServerBytes: number;
  loadedRunnerBytes: number;
  /** Server alone once unloaded, after a full GC. */
  idleServerBytes: number;
  idleHeapUsedBytes: number;
}

async function cycle(server: BenchServer, modelId: string, index: number, measure: boolean): Promise<Reading | undefined> {
  const { client } = server;
  await client.models.load.mutate({ id: modelId });
  if (!measure) {
    await client.models.unload.mutate();
    return undefined;
  }
  // The probe's snapshot runs a full GC first, so uncollected garbage does not pass for growth.
  await server.snapshot();
  const loaded = await treeResidentBytes(server.pid);
  await client.models.unload.mutate();
  const snapshot = await server.snapshot();
  return {
    cycle: index,
    loadedServerBytes: loaded.own,
    loadedRunnerBytes: loaded.children,
    idleServerBytes: (await residentBytes(server.pid)) ?? snapshot.memory.rssBytes,
    idleHeapUsedBytes: snapshot.memory.heapUsedBytes,
  };
}

export const memoryCycles: Section = {
  name: 'memory',
  needsServer: true,
  async run(settings: BenchSettings, server: BenchServer | undefined): Promise<SectionResult> {
    const cycles = settings.quick ? 10 : 50;
    const warmUp = settings.quick ? 3 : 10;
    const modelId = settings.models.demo.id;
    await server!.client.models.unload.mutate();
    const readings: Reading[] = [];
    for (let i = 1; i <= warmUp + cycles; i++) {
      const reading = await cycle(server!, modelId, i, i === warmUp + 1 || i === warmUp + cycles);
      if (reading) readings.push(reading);
    }
    const [first, last] = [readings[0]!, readings.at(-1)!];
    const loadedTotal = (r: Reading) => r.loadedServerBytes + r.loadedRunnerBytes;
    return {
      rows: [
        {
          metric: `GPU server RSS drift over ${cycles} load/unload cycles after ${warmUp} (unloaded, after a full GC)`,
          value: driftPercent(first.idleServerBytes, last.idleServerBytes),
          unit: '%',
          target: DRIFT_TARGET,
          note: `${formatValue(first.idleServerBytes / MB, 'MB')} after cycle ${first.cycle}, ${formatValue(last.idleServerBytes / MB, 'MB')} after ${last.cycle}; heap ${formatValue(first.idleHeapUsedBytes / MB, 'MB')} → ${formatValue(last.idleHeapUsedBytes / MB, 'MB')}`,
        },
        {
          metric: `server + runner RSS drift over ${cycles} cycles (demo model loaded)`,
          value: driftPercent(loadedTotal(first), loadedTotal(last)),
          unit: '%',
          target: DRIFT_TARGET,
          note: `${formatValue(loadedTotal(first) / MB, 'MB')} in cycle ${first.cycle}, ${formatValue(loadedTotal(last) / MB, 'MB')} in cycle ${last.cycle}`,
        },
      ],
      raw: { modelId, cycles, readings },
    };
  },
};
