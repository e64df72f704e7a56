// easel load | unload | cancel | status: the lifecycle of the loaded model, with load progress part by part.
import { easelCodeOf, watchStatus, type ModelStatus } from '../../client/index.js';
import type { Command } from '../command.js';
import { CliError, EXIT } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { formatDuration, formatTime, table } from '../output.js';
import { createProgress } from '../progress-bar.js';

function statusLines(status: ModelStatus): string[] {
  const rows: string[][] = [
    ['state', status.state],
    ['model', status.modelId ?? '-'],
    ['device', status.device ?? '-'],
    ['since', `${formatTime(status.since)} (${formatDuration(Date.now() - status.since.getTime())} ago)`],
  ];
  if (status.loadProgress) rows.push(['loading', `${status.loadProgress.part} (${status.loadProgress.index + 1}/${status.loadProgress.count})`]);
  if (status.error) rows.push(['error', status.error]);
  return table(['', ''], rows).slice(1);
}

function statusLine(status: ModelStatus): string {
  const progress = status.loadProgress ? ` ${status.loadProgress.part} (${status.loadProgress.index + 1}/${status.loadProgress.count})` : '';
  const error = status.error ? ` — ${status.error}` : '';
  return `${formatTime(new Date())}  ${status.state.padEnd(9)} ${status.modelId ?? '-'}${progress}${error}`;
}

const load: Command = {
  name: 'load',
  usage: 'load <id>',
  summary: 'load a model, showing progress part by part; Ctrl-C cancels the load',
  positionals: { min: 1, max: 1, name: 'id' },
  async run({ client, out, positionals }) {
    const id = positionals[0]!;
    const progress = createProgress(out, `loading ${id}`);
    const watching = new AbortController();
    void (async () => {
      let part = -1;
      for await (const status of watchStatus(client, { signal: watching.signal })) {
        const p = status.loadProgress;
        if (status.state !== 'LOADING' || status.modelId !== id || !p) continue;
        progress.update(p.fraction, `${p.part} (${p.index + 1}/${p.count})`);
        if (p.index !== part) progress.log(`loading ${id}: ${p.part} (${p.index + 1}/${p.count})`);
        part = p.index;
      }
    })().catch(() => undefined);
    const stopListening = onInterrupt(() => {
      progress.log('cancelling the load…');
      client.models.cancel.mutate().catch(() => undefined);
    });
    const started = performance.now();
    try {
      const status = await client.models.load.mutate({ id });
      const took = formatDuration(performance.now() - started);
      progress.clear();
      out.result(status, () => `Loaded ${id} on ${status.device ?? 'an unknown device'} in ${took}`);
    } catch (error) {
      if (easelCodeOf(error) === 'CANCELLED') {
        progress.clear();
        throw new CliError('CANCELLED', `cancelled: the load of "${id}" was stopped`, EXIT.CANCELLED);
      }
      progress.clear();
      throw error;
    } finally {
      stopListening();
      watching.abort();
    }
  },
};

const unload: Command = {
  name: 'unload',
  usage: 'unload',
  summary: 'unload the model (also cancels a load in flight and resets ERROR)',
  positionals: { min: 0, max: 0 },
  async run({ client, out }) {
    const before = await client.models.status.query();
    const status = await client.models.unload.mutate();
    const what = before.state === 'IDLE' ? 'Nothing was loaded' : before.state === 'ERROR' ? 'Reset from ERROR' : `Unloaded ${before.modelId}`;
    out.result(status, () => `${what}; the server is ${status.state}`);
  },
};

const cancel: Command = {
  name: 'cancel',
  usage: 'cancel [generation-id]',
  summary: 'cancel the load in flight, or the generation with that id',
  positionals: { min: 0, max: 1, name: 'generation-id' },
  async run({ client, out, positionals }) {
    const jobId = positionals[0];
    if (jobId !== undefined) {
      const result = await client.generate.cancel.mutate({ id: jobId });
      out.result(result, () => (result.cancelled ? `Cancelled generation ${jobId}` : `Generation ${jobId} had already ended (${result.generation.status})`));
      return;
    }
    const before = await client.models.status.query();
    const result = await client.models.cancel.mutate();
    const loading = before.modelId ? `the load of ${before.modelId}` : 'the load';
    out.result(result, () => (result.cancelled ? `Cancelled ${loading}; the server is ${result.status.state}` : `Nothing was loading (the server is ${result.status.state})`));
  },
};

const status: Command = {
  name: 'status',
  usage: 'status [--watch]',
  summary: 'the lifecycle state; --watch prints every change until Ctrl-C (JSON lines with --json)',
  options: { watch: { type: 'boolean', short: 'w' } },
  positionals: { min: 0, max: 0 },
  async run({ client, out, values }) {
    const current = await client.models.status.query();
    if (!values.watch) {
      out.result(current, () => statusLines(current));
      return;
    }
    const watching = new AbortController();
    const stopListening = onInterrupt(() => watching.abort());
    try {
      for await (const next of watchStatus(client, { signal: watching.signal })) {
        out.item(next, statusLine(next));
      }
    } finally {
      stopListening();
    }
  },
};

export const LIFECYCLE_COMMANDS: Command[] = [load, unload, cancel, status];
