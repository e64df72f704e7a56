// easel history [--generations] and easel samplers: what happened on the server, and what it can draw with.
import type { GenerationStatus } from '../../server/core/ports.js';
import type { TransitionReason } from '../../server/core/lifecycle/transitions.js';
import { integerOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { usageError } from '../exit-codes.js';
import { clip, formatDuration, formatTime, table } from '../output.js';

const DEFAULT_LIMIT = 20;

const history: Command = {
  name: 'history',
  usage: 'history [--model ID] [--limit N] [--reason REASON] [--cursor C] | history --generations [--model ID] [--status S] [--limit N] [--cursor C]',
  summary: 'state transitions, newest first (needs the admin token when the server has one); --generations: images made',
  details: [
    'A page holds --limit rows (default 20, at most 500); the note after it gives the --cursor of the next page.',
    'REASON is a transition reason such as LOAD_REQUESTED or LOAD_CANCELLED; S is queued, running, done, failed or cancelled.',
  ],
  options: {
    model: { type: 'string' },
    limit: { type: 'string' },
    reason: { type: 'string' },
    status: { type: 'string' },
    cursor: { type: 'string' },
    generations: { type: 'boolean', short: 'g' },
  },
  positionals: { min: 0, max: 0 },
  async run({ client, out, values }) {
    const modelId = stringOption(values, 'model');
    const limit = integerOption(values, 'limit', 1, 500) ?? DEFAULT_LIMIT;
    const cursor = stringOption(values, 'cursor');
    const more = (next: string | number | null | undefined) => {
      if (next !== null && next !== undefined) out.note(`more: add --cursor ${next}`);
    };
    if (values.generations) {
      if (values.reason) throw usageError('--reason filters transitions; with --generations use --status');
      const status = stringOption(values, 'status')?.toLowerCase() as GenerationStatus | undefined;
      const page = await client.history.generations.query({ modelId, status, limit, cursor });
      out.result(page, () =>
        page.items.length === 0
          ? ['No generations yet.']
          : table(
              ['CREATED', 'ID', 'MODEL', 'STATUS', 'SEED', 'SIZE', 'SAMPLER', 'STEPS', 'TOOK', 'PROMPT'],
              page.items.map((g) => [formatTime(g.createdAt), g.id, g.modelId, g.status, String(g.seed), `${g.width}×${g.height}`, g.sampler, String(g.steps), formatDuration(g.durationMs), clip(g.prompt, 48)]),
            ),
      );
      more(page.nextCursor);
      return;
    }
    if (values.status) throw usageError('--status filters generations; add --generations');
    const numericCursor = cursor === undefined ? undefined : integerOption(values, 'cursor', 1, Number.MAX_SAFE_INTEGER);
    const reason = stringOption(values, 'reason')?.toUpperCase() as TransitionReason | undefined;
    const page = await client.history.transitions.query({ modelId, limit, reason, cursor: numericCursor });
    out.result(page, () =>
      page.items.length === 0
        ? ['No transitions recorded.']
        : table(
            ['TIME', 'MODEL', 'FROM', 'TO', 'REASON', 'ACTOR', 'LASTED', 'ERROR'],
            page.items.map((t) => [formatTime(t.at), t.modelId ?? '-', t.from, t.to, t.reason, t.actor, formatDuration(t.durationMs), clip(t.error ?? '', 60)]),
          ),
    );
    more(page.nextCursor);
  },
};

const samplers: Command = {
  name: 'samplers',
  usage: 'samplers',
  summary: 'the sampler names `generate --sampler` accepts',
  positionals: { min: 0, max: 0 },
  async run({ client, out }) {
    const list = await client.pipeline.samplers.query();
    out.result(list, () => table(['NAME', 'LABEL', 'STOCHASTIC', 'DESCRIPTION'], list.map((s) => [s.name, s.label, s.stochastic ? 'yes' : 'no', s.description])));
  },
};

export const HISTORY_COMMANDS: Command[] = [history, samplers];
