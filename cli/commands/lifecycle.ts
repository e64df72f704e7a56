// easel load | unload | cancel | status | ps: the resident models (the model cache), with load progress part by part.
import { easelCodeOf, watchStatus, type ModelsStatus, type ResidentStatus } from '../../client/index.js';
import { formatBytes } from '../../client/format-bytes.js';
import { formatKeepAlive } from '../../server/core/keep-alive.js';
import { stringOption } from '../args.js';
import type { Command, OptionValues } from '../command.js';
import { CliError, EXIT } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { formatDuration, formatTime, table } from '../output.js';
import { createProgress } from '../progress-bar.js';

/** "in 9m 30s", "never", "after the last job", "in use": when an idle model will be unloaded (`easel ps`'s UNTIL). */
function until(model: ResidentStatus, now: number): string {
  if (model.state !== 'LOADED') return '-';
  if (model.jobs.running + model.jobs.queued > 0) return 'in use';
  if (model.expiresAt) return `${formatDuration(Math.max(0, model.expiresAt.getTime() - now))} from now`;
  return model.keepAlive === -1 ? 'forever' : formatKeepAlive(model.keepAlive);
}

function memory(model: ResidentStatus): string {
  return `${formatBytes(model.memoryBytes)}${model.memorySource === 'estimated' ? ' (est.)' : ''}`;
}

/** Like `ollama ps`: one row per resident model, then the budget. */
function psLines(status: ModelsStatus): string[] {
  const now = Date.now();
  const rows = status.models.map((m) => {
    const progress = m.loadProgress ? ` ${m.loadProgress.part} ${m.loadProgress.index + 1}/${m.loadProgress.count}` : '';
    return [m.modelId, `${m.state}${progress}`, memory(m), m.device ?? '-', until(m, now), `${m.jobs.running}/${m.jobs.queued}`];
  });
  const lines = status.models.length > 0 ? table(['MODEL', 'STATE', 'MEMORY', 'DEVICE', 'UNTIL', 'JOBS (RUN/QUEUED)'], rows) : ['No model is loaded.'];
  lines.push(`memory ${formatBytes(status.memoryUsedBytes)} of ${formatBytes(status.memoryBudgetBytes)}, ${status.models.filter((m) => m.state !== 'ERROR').length} of ${status.maxLoaded} models`);
  for (const m of status.models) if (m.error) lines.push(`${m.modelId}: ${m.error}`);
  return lines;
}

function statusLine(status: ModelsStatus): string {
  const models = status.models.map((m) => {
    const progress = m.loadProgress ? ` ${m.loadProgress.part} (${m.loadProgress.index + 1}/${m.loadProgress.count})` : '';
    return `${m.modelId} ${m.state}${progress}${m.error ? ` — ${m.error}` : ''}`;
  });
  return `${formatTime(new Date())}  ${models.length > 0 ? models.join('; ') : 'nothing loaded'}`;
}

/** The keep-alive option as the server takes it: a duration ("10m"), seconds, 0 or -1. */
function keepAliveOption(values: OptionValues): string | number | undefined {
  const raw = stringOption(values, 'keep-alive');
  if (raw === undefined) return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

const load: Command = {
  name: 'load',
  usage: 'load <id> [--keep-alive 10m] [--node <name>]',
  summary: 'load a model, showing progress part by part; Ctrl-C cancels the load',
  details: [
    '--keep-alive: how long it stays loaded when idle: a duration (10m, 1h30m), seconds, 0 (after the last job) or -1 (never)',
    '--node: on a cluster, the node to load it on (see `easel nodes`); without it, the node holding it or with the most free memory',
  ],
  options: { 'keep-alive': { type: 'string' }, node: { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'id' },
  async run({ client, out, positionals, values }) {
    const id = positionals[0]!;
    const progress = createProgress(out, `loading ${id}`);
    const watching = new AbortController();
    void (async () => {
      let part = -1;
      for await (const status of watchStatus(client, { signal: watching.signal })) {
        const model = status.models.find((m) => m.modelId === id);
        const p = model?.loadProgress;
        if (model?.state !== 'LOADING' || !p) continue;
        progress.update(p.fraction, `${p.part} (${p.index + 1}/${p.count})`);
        if (p.index !== part) progress.log(`loading ${id}: ${p.part} (${p.index + 1}/${p.count})`);
        part = p.index;
      }
    })().catch(() => undefined);
    const stopListening = onInterrupt(() => {
      progress.log('cancelling the load…');
      client.models.cancel.mutate({ id }).catch(() => undefined);
    });
    const started = performance.now();
    try {
      const keepAlive = keepAliveOption(values);
      const node = stringOption(values, 'node');
      const status = await client.models.load.mutate({ id, ...(keepAlive === undefined ? {} : { keepAlive }), ...(node === undefined ? {} : { node }) });
      const took = formatDuration(performance.now() - started);
      progress.clear();
      const device = status.models.find((m) => m.modelId === id)?.device;
      out.result(status, () => `Loaded ${id} on ${device ?? 'an unknown device'}${node ? ` (node ${node})` : ''} in ${took}`);
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
  usage: 'unload [id]',
  summary: 'unload a model, or every resident model without an id (cancels its jobs and a load in flight; resets ERROR)',
  positionals: { min: 0, max: 1, name: 'id' },
  async run({ client, out, positionals }) {
    const id = positionals[0];
    const before = await client.models.status.query();
    const targets = before.models.filter((m) => id === undefined || m.modelId === id);
    const status = await client.models.unload.mutate(id === undefined ? undefined : { id });
    const what = targets.length === 0 ? (id ? `${id} was not loaded` : 'Nothing was loaded') : `Unloaded ${targets.map((m) => m.modelId).join(', ')}`;
    out.result(status, () => `${what}; ${status.models.length} model(s) resident`);
  },
};

const cancel: Command = {
  name: 'cancel',
  usage: 'cancel [generation-id] [--model ID]',
  summary: 'cancel the generation with that id, or the loads in flight (of one model with --model)',
  options: { model: { type: 'string' } },
  positionals: { min: 0, max: 1, name: 'generation-id' },
  async run({ client, out, positionals, values }) {
    const jobId = positionals[0];
    if (jobId !== undefined) {
      const result = await client.generate.cancel.mutate({ id: jobId });
      out.result(result, () => (result.cancelled ? `Cancelled generation ${jobId}` : `Generation ${jobId} had already ended (${result.generation.status})`));
      return;
    }
    const model = stringOption(values, 'model');
    const before = await client.models.status.query();
    const result = await client.models.cancel.mutate(model === undefined ? undefined : { id: model });
    const loading = before.models.filter((m) => m.state === 'LOADING' && (model === undefined || m.modelId === model)).map((m) => m.modelId);
    out.result(result, () => (result.cancelled ? `Cancelled the load of ${loading.join(', ') || model || 'a model'}` : 'Nothing was loading'));
  },
};

const status: Command = {
  name: 'status',
  usage: 'status [--watch]',
  summary: 'the resident models; --watch prints every change until Ctrl-C (JSON lines with --json)',
  options: { watch: { type: 'boolean', short: 'w' } },
  positionals: { min: 0, max: 0 },
  async run({ client, out, values }) {
    const current = await client.models.status.query();
    if (!values.watch) {
      out.result(current, () => psLines(current));
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

const ps: Command = {
  name: 'ps',
  usage: 'ps',
  summary: 'the resident models, like `ollama ps`: model, state, memory, device, until when it stays loaded',
  positionals: { min: 0, max: 0 },
  async run({ client, out }) {
    const current = await client.models.status.query();
    out.result(current, () => psLines(current));
  },
};

export const LIFECYCLE_COMMANDS: Command[] = [load, unload, cancel, status, ps];
