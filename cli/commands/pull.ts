// easel pull <repo>[@revision] [--subfolder DIR]: downloads an ONNX model from the server's hub and registers
// it, with a progress bar over the bytes; Ctrl-C cancels the pull (the partial files stay for the next one).
import { followPull, type PullEvent } from '../../client/index.js';
import { formatBytes } from '../../client/format-bytes.js';
import { stringOption } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT, exitCodeFor, usageError } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { formatDuration } from '../output.js';
import { createProgress } from '../progress-bar.js';

/** `owner/name@revision` → its parts; the revision is optional. */
function parsePullTarget(target: string): { repo: string; revision?: string } {
  const at = target.indexOf('@');
  if (at === -1) return { repo: target };
  const repo = target.slice(0, at);
  const revision = target.slice(at + 1);
  if (repo === '' || revision === '') throw usageError(`"${target}" is not <owner/name>[@revision]`);
  return { repo, revision };
}

function detail(event: PullEvent): string {
  const eta = event.etaMs === null ? '' : `, ${formatDuration(event.etaMs)} left`;
  return `${formatBytes(event.bytes.done)} of ${formatBytes(event.bytes.total)}, file ${Math.min(event.files.done + 1, event.files.total)}/${event.files.total}${eta}`;
}

export const PULL_COMMAND: Command = {
  name: 'pull',
  usage: 'pull <owner/name>[@revision] [--subfolder DIR]',
  summary: "download an ONNX model from the server's hub (EASEL_HUB_URL) and register it; Ctrl-C cancels",
  details: [
    'Only the diffusers/optimum ONNX layout is downloaded (model_index.json, scheduler, tokenizers, text encoders,',
    'unet, VAE); each file is checked by size and the hub\'s sha256. A pull that stopped (Ctrl-C, a dropped',
    'connection) continues where it left off when run again. --subfolder names the folder of the repository that',
    'holds the export (e.g. onnx). The model lands in the server\'s first model root as <owner>--<name>.',
  ],
  options: { subfolder: { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'owner/name' },
  async run({ client, out, positionals, values }) {
    const target = parsePullTarget(positionals[0]!);
    const subfolder = stringOption(values, 'subfolder');
    const progress = createProgress(out, `pulling ${target.repo}`);
    const started = await client.models.pull.mutate({ ...target, ...(subfolder ? { subfolder } : {}) });
    progress.log(`pulling ${started.repo}@${started.revision} into ${started.folder}: ${started.files.total} files, ${formatBytes(started.bytes.total)}`);
    const stopListening = onInterrupt(() => {
      progress.log('cancelling the pull…');
      client.models.cancelPull.mutate({ id: started.pullId }).catch(() => undefined);
    });
    let last: PullEvent = started;
    try {
      for await (const event of followPull(client, started.pullId)) {
        progress.update(event.bytes.total === 0 ? 1 : event.bytes.done / event.bytes.total, detail(event));
        if (event.file !== null && event.file !== last.file) progress.log(`${event.status} ${event.file} (${event.files.done + 1}/${event.files.total})`);
        if (event.status === 'registering' && last.status !== 'registering') progress.log('registering the model (every part is opened and checked)…');
        last = event;
      }
    } finally {
      stopListening();
      progress.clear();
    }
    if (last.status === 'done') {
      out.result(last, () => `Pulled ${last.repo} into ${last.folder}; registered as "${last.modelId}" (easel load ${last.modelId})`);
      return;
    }
    const error = last.error ?? { code: 'INTERNAL', message: `the pull ended ${last.status}` };
    if (last.status === 'cancelled') throw new CliError('CANCELLED', `cancelled: ${error.message}`, EXIT.CANCELLED);
    throw new CliError(error.code, error.message, exitCodeFor(error.code));
  },
};
