// Example script: a file of prompts in, one image per prompt out, then a summary table. It uses the typed
// client (client/index.ts) the way any script can. Run: npx tsx scripts/batch-generate.ts --help
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEaselClient, easelCodeOf, followGeneration, serverBaseOf, trpcUrlOf, DEFAULT_EASEL_URL } from '../client/index.js';

const USAGE = `Usage: npx tsx scripts/batch-generate.ts <prompts.txt> [--out DIR] [--model ID] [--steps N] [--sampler NAME]
                                     [--size WxH] [--seed S] [--url URL]
One prompt per line (blank lines and # comments skipped); images go to DIR (default ./batch-out) as
01-<words>.png, 02-…; with --seed, prompt n uses seed S+n-1. --model loads that model first if needed.`;

interface Row {
  n: number;
  prompt: string;
  status: string;
  seed: number | null;
  ms: number | null;
  file: string;
}

function slug(prompt: string): string {
  return prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
}

function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [String(r.n), r.status, r.seed === null ? '-' : String(r.seed), r.ms === null ? '-' : `${(r.ms / 1000).toFixed(2)} s`, r.file, r.prompt]);
  const header = ['#', 'STATUS', 'SEED', 'TIME', 'FILE', 'PROMPT'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, ...cells]) console.log(line.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'batch-out' },
      model: { type: 'string' },
      steps: { type: 'string' },
      sampler: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const prompts = (await readFile(positionals[0]!, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const [width, height] = values.size ? values.size.split('x').map(Number) : [undefined, undefined];
  const url = trpcUrlOf(values.url ?? process.env.EASEL_URL ?? DEFAULT_EASEL_URL);
  const easel = createEaselClient({ url });

  if (values.model) {
    const status = await easel.models.status.query();
    if (!status.models.some((m) => m.modelId === values.model && m.state === 'LOADED')) {
      console.log(`loading ${values.model}…`);
      await easel.models.load.mutate({ id: values.model });
    }
  }

  const outDir = resolve(values.out!);
  await mkdir(outDir, { recursive: true });
  const rows: Row[] = [];
  const tty = process.stdout.isTTY === true;
  for (const [i, prompt] of prompts.entries()) {
    const row: Row = { n: i + 1, prompt, status: 'failed', seed: null, ms: null, file: '-' };
    rows.push(row);
    try {
      const { id } = await easel.generate.start.mutate({
        prompt,
        steps: values.steps ? Number(values.steps) : undefined,
        sampler: values.sampler,
        seed: values.seed ? Number(values.seed) + i : undefined,
        width,
        height,
      });
      for await (const event of followGeneration(easel, id)) {
        if (event.status === 'running' && tty) process.stdout.write(`\r\x1b[2K[${i + 1}/${prompts.length}] step ${event.step}/${event.totalSteps}`);
        if (event.status === 'done') {
          const file = join(outDir, `${String(i + 1).padStart(2, '0')}-${slug(prompt)}.png`);
          const image = await fetch(`${serverBaseOf(url)}${event.imageUrl}`);
          await writeFile(file, new Uint8Array(await image.arrayBuffer()));
          Object.assign(row, { status: 'done', seed: event.seed, ms: event.durationMs, file: relative(process.cwd(), file) });
        }
        if (event.status === 'failed' || event.status === 'cancelled') row.status = `${event.status}: ${event.error.message}`;
      }
    } catch (error) {
      row.status = `${easelCodeOf(error) ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`;
      // Nothing else will work without a loaded model, or without the server.
      if (easelCodeOf(error) === 'NOT_LOADED' || !easelCodeOf(error)) break;
    }
  }
  if (tty) process.stdout.write('\r\x1b[2K');
  printTable(rows);
  const done = rows.filter((r) => r.status === 'done').length;
  console.log(`\n${done} of ${prompts.length} images in ${outDir}`);
  return done === prompts.length ? 0 : 1;
}

process.exitCode = await main();
