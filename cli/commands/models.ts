// easel models list | add | remove | scan: the model registry.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatBytes } from '../../client/format-bytes.js';
import { formatTime, table } from '../output.js';

type ModelRow = { id: string; name: string; sizeBytes: number; sampleSize: number; description: { vaeScaleFactor: number }; loadCount: number; lastLoadedAt: Date | null };

function modelLines(models: ModelRow[], current: { models: Array<{ modelId: string; state: string }> }): string[] {
  if (models.length === 0) return ['No models registered; add one with `easel models add <path>` or `easel models scan`.'];
  const rows = models.map((m) => [
    m.id,
    m.name,
    formatBytes(m.sizeBytes),
    `${m.sampleSize * m.description.vaeScaleFactor}px`,
    String(m.loadCount),
    formatTime(m.lastLoadedAt),
    current.models.find((resident) => resident.modelId === m.id)?.state ?? '',
  ]);
  return table(['ID', 'NAME', 'SIZE', 'NATIVE', 'LOADS', 'LAST LOADED', 'STATE'], rows);
}

const list: Command = {
  name: 'models list',
  usage: 'models list',
  summary: 'list the registered models (and which one is loaded)',
  positionals: { min: 0, max: 0 },
  async run({ client, out }) {
    const [models, status] = await Promise.all([client.models.list.query(), client.models.status.query()]);
    out.result(models, () => modelLines(models, status));
  },
};

const add: Command = {
  name: 'models add',
  usage: 'models add <path> [--name NAME] [--id ID]',
  summary: 'register a model folder (diffusers ONNX layout) under the server\'s model roots',
  details: [
    'A relative <path> that exists here is sent as an absolute path; any other relative path is',
    'resolved by the server against its first model root (EASEL_MODELS_DIR).',
  ],
  options: { name: { type: 'string' }, id: { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'path' },
  async run({ client, out, positionals, values }) {
    const given = positionals[0]!;
    const path = !isAbsolute(given) && existsSync(given) ? resolve(given) : given;
    const model = await client.models.register.mutate({ path, name: stringOption(values, 'name'), id: stringOption(values, 'id') });
    out.result(model, () => `Registered ${model.id} (${model.name}, ${formatBytes(model.sizeBytes)}) from ${model.path}`);
  },
};

const remove: Command = {
  name: 'models remove',
  usage: 'models remove <id>',
  summary: 'unregister a model (its files stay; refused while it is loading, loaded or unloading)',
  positionals: { min: 1, max: 1, name: 'id' },
  async run({ client, out, positionals }) {
    const model = await client.models.remove.mutate({ id: positionals[0]! });
    out.result(model, () => `Removed ${model.id} (its folder ${model.path} is left as it was)`);
  },
};

const scan: Command = {
  name: 'models scan',
  usage: 'models scan',
  summary: 'register every new model folder found under the server\'s model roots',
  positionals: { min: 0, max: 0 },
  async run({ client, out }) {
    const result = await client.models.scan.mutate();
    out.result(result, () => [
      `Added ${result.added.length}, already registered ${result.alreadyRegistered}, failed ${result.failed.length}.`,
      ...result.added.map((m) => `  + ${m.id}  ${m.path}`),
      ...result.failed.map((f) => `  ! ${f.path}: ${f.error} (${f.code})`),
    ]);
  },
};

export const MODEL_COMMANDS: Command[] = [list, add, remove, scan];
