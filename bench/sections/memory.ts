// 4. Memory: the GPU server's RSS (model unloaded) and server + runner RSS (model loaded), the server's always
// after a forced GC, in the first and the last of many load/unload cycles of the demo model; drift = leak signal.
import type { BenchServer } from '../server-process.js';
import { residentBytes, treeResidentBytes } from '../proc-stats.js';
import { driftPercent } from '../stats.js';
import { formatValue } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';

const MB = 1024 * 1024;
const DRIFT_TARGET = { op: '<=', limit: 5 } as const;

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
    const modelId = settings.models.demo.id;
    await server!.client.models.unload.mutate();
    const readings: Reading[] = [];
    for (let i = 1; i <= cycles; i++) {
      const reading = await cycle(server!, modelId, i, i === 1 || i === cycles);
      if (reading) readings.push(reading);
    }
    const [first, last] = [readings[0]!, readings.at(-1)!];
    const loadedTotal = (r: Reading) => r.loadedServerBytes + r.loadedRunnerBytes;
    return {
      rows: [
        {
          metric: `GPU server RSS drift over ${cycles} load/unload cycles (unloaded, after a full GC)`,
          value: driftPercent(first.idleServerBytes, last.idleServerBytes),
          unit: '%',
          target: DRIFT_TARGET,
          note: `${formatValue(first.idleServerBytes / MB, 'MB')} after 1, ${formatValue(last.idleServerBytes / MB, 'MB')} after ${cycles}`,
        },
        {
          metric: `server + runner RSS drift over ${cycles} cycles (demo model loaded)`,
          value: driftPercent(loadedTotal(first), loadedTotal(last)),
          unit: '%',
          target: DRIFT_TARGET,
          note: `${formatValue(loadedTotal(first) / MB, 'MB')} in cycle 1, ${formatValue(loadedTotal(last) / MB, 'MB')} in cycle ${cycles}`,
        },
      ],
      raw: { modelId, cycles, readings },
    };
  },
};
