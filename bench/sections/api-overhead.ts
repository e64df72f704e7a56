// 5. API overhead: models.status requests per second over tRPC ÷ the same bytes from a bare node:http handler,
// both driven by the same closed-loop load generator in a second process, alternating so noise hits both. Each
// server's CPU time per request (from /proc) is recorded too: it shows the cost even when the machine is busy.
import { startChildScript } from '../child-script.js';
import type { ClosedLoopResult } from '../http-load.js';
import type { LoadClientCommand } from '../load-client.js';
import { cpuTimeMs } from '../proc-stats.js';
import { median, ratio } from '../stats.js';
import { formatValue } from '../table.js';
import type { BenchSettings, Section, SectionResult } from './section.js';
import type { BenchServer } from '../server-process.js';

const CONCURRENCY = 8;
const WARM_UP_MS = 500;

type Reply = { type: 'result'; result: ClosedLoopResult } | { type: 'error'; message: string };

interface Run extends ClosedLoopResult {
  /** CPU time the answering server used per request. */
  serverCpuMsPerRequest: number;
}

export const apiOverhead: Section = {
  name: 'API overhead',
  needsServer: true,
  async run(settings: BenchSettings, server: BenchServer | undefined): Promise<SectionResult> {
    const { client, trpcUrl } = server!;
    await client.models.unload.mutate();
    const trpc = `${trpcUrl}/models.status`;
    const response = await fetch(trpc);
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${trpc} answered ${response.status}: ${body}`);

    const bareServer = startChildScript('bare-status-server.ts');
    const loader = startChildScript('load-client.ts');
    try {
      bareServer.send({ body });
      const bare = `http://127.0.0.1:${(await bareServer.reply<{ port: number }>()).port}/`;
      const targets = { bare: { url: bare, pid: bareServer.pid }, trpc: { url: trpc, pid: server!.pid } };
      const load = async (side: keyof typeof targets, durationMs: number): Promise<Run> => {
        const { url, pid } = targets[side];
        const cpuBefore = await cpuTimeMs(pid);
        loader.send({ type: 'closed', url, concurrency: CONCURRENCY, durationMs } satisfies LoadClientCommand);
        const reply = await loader.reply<Reply>();
        const cpuAfter = await cpuTimeMs(pid);
        if (reply.type === 'error') throw new Error(`the load client failed: ${reply.message}`);
        if (reply.result.errors > 0) throw new Error(`${reply.result.errors} requests to ${url} failed`);
        return { ...reply.result, serverCpuMsPerRequest: ratio((cpuAfter ?? Number.NaN) - (cpuBefore ?? Number.NaN), reply.result.requests) };
      };
      await load('bare', WARM_UP_MS);
      await load('trpc', WARM_UP_MS);
      const rounds = settings.quick ? 2 : 4;
      const durationMs = settings.quick ? 1500 : 5000;
      const runs: { bare: Run[]; trpc: Run[] } = { bare: [], trpc: [] };
      for (let round = 0; round < rounds; round++) {
        // Alternate which goes first, so a drift in machine load does not favour one side.
        const order = round % 2 === 0 ? (['bare', 'trpc'] as const) : (['trpc', 'bare'] as const);
        for (const side of order) runs[side].push(await load(side, durationMs));
      }
      const trpcRate = median(runs.trpc.map((r) => r.requestsPerSecond));
      const bareRate = median(runs.bare.map((r) => r.requestsPerSecond));
      const cpu = (side: keyof typeof runs) => median(runs[side].map((r) => r.serverCpuMsPerRequest));
      return {
        rows: [
          {
            metric: 'API throughput: models.status over tRPC ÷ the same JSON from a bare node:http handler',
            value: ratio(trpcRate, bareRate),
            unit: 'ratio',
            target: { op: '>=', limit: 0.5 },
            note: `${formatValue(trpcRate, 'req/s')} vs ${formatValue(bareRate, 'req/s')}`,
          },
          {
            metric: 'server CPU per request: tRPC ÷ bare node:http',
            value: ratio(cpu('trpc'), cpu('bare')),
            unit: 'ratio',
            note: `${formatValue(cpu('trpc'), 'ms')} vs ${formatValue(cpu('bare'), 'ms')}`,
          },
        ],
        raw: { concurrency: CONCURRENCY, durationMs, responseBytes: Buffer.byteLength(body), runs },
      };
    } finally {
      await loader.close();
      await bareServer.close();
    }
  },
};
