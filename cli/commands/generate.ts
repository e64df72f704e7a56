// easel generate: starts the images, follows each one with a progress bar, saves them; Ctrl-C cancels the
// jobs that haven't ended. Prints every image's record (plus its file) once all have ended.
import { followGeneration, type EaselClient, type JobEvent } from '../../client/index.js';
import { integerOption, numberOption, sizeOption, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { imageTarget, saveImage, type ImageTarget } from '../image-files.js';
import { onInterrupt } from '../interrupt.js';
import { clip, formatDuration } from '../output.js';
import { createProgress } from '../progress-bar.js';

type Generation = Awaited<ReturnType<EaselClient['generate']['get']['query']>>;
type ImageResult = Generation & { file: string | null };

function request(ctx: CommandContext) {
  const { positionals, values } = ctx;
  const sampler = stringOption(values, 'sampler');
  const keepAlive = stringOption(values, 'keep-alive');
  return {
    prompt: positionals.join(' '),
    negativePrompt: stringOption(values, 'negative'),
    sampler: sampler?.toUpperCase().replace(/-/g, '_'),
    steps: integerOption(values, 'steps', 1, Number.MAX_SAFE_INTEGER),
    guidance: numberOption(values, 'guidance', 0, Number.MAX_VALUE),
    seed: integerOption(values, 'seed', 0, Number.MAX_SAFE_INTEGER),
    count: integerOption(values, 'count', 1, Number.MAX_SAFE_INTEGER),
    ...sizeOption(values, 'size'),
    model: stringOption(values, 'model'),
    keepAlive: keepAlive === undefined ? undefined : /^-?\d+$/.test(keepAlive) ? Number(keepAlive) : keepAlive,
  };
}

/** Follows one job to its end, drawing its bar; returns the final event. */
async function follow(ctx: CommandContext, id: string, label: string): Promise<JobEvent> {
  const progress = createProgress(ctx.out, label);
  let last: JobEvent | undefined;
  let started = false;
  for await (const event of followGeneration(ctx.client, id)) {
    last = event;
    if (event.status === 'queued') progress.update(0, `queued (${event.position} ahead)`);
    if (event.status === 'loading') {
      const p = event.loadProgress;
      progress.update(0, p ? `loading ${event.modelId}: ${p.part} (${p.index + 1}/${p.count})` : `waiting for ${event.modelId} to load`);
    }
    if (event.status === 'running') {
      if (!started) progress.log(`${label}: generating ${id}`);
      started = true;
      const eta = event.etaMs === null ? '' : `, ${formatDuration(event.etaMs)} left`;
      progress.update(event.step / event.totalSteps, `step ${event.step}/${event.totalSteps}${eta}`);
    }
  }
  progress.clear();
  if (!last || last.status === 'queued' || last.status === 'loading' || last.status === 'running') {
    throw new CliError('UNEXPECTED', `The progress stream of ${id} ended before the job did; see \`easel history --generations\``, EXIT.UNEXPECTED);
  }
  progress.log(`${label}: ${last.status}`);
  return last;
}

async function collect(ctx: CommandContext, ids: string[], target: ImageTarget): Promise<ImageResult[]> {
  const results: ImageResult[] = [];
  for (const [i, id] of ids.entries()) {
    const end = await follow(ctx, id, `image ${i + 1}/${ids.length}`);
    let file: string | null = null;
    if (end.status === 'done') {
      file = target(id);
      await saveImage(ctx.serverBase, end.imageUrl, file);
    }
    results.push({ ...(await ctx.client.generate.get.query({ id })), file });
  }
  return results;
}

function resultLine(image: ImageResult): string {
  if (image.status === 'done') {
    const onnxruntime = image.runMs === null ? '' : ` (onnxruntime ${formatDuration(image.runMs)})`;
    return `${image.file}  seed ${image.seed}, ${image.width}×${image.height}, ${image.sampler}, ${image.steps} steps, ${formatDuration(image.durationMs)}${onnxruntime}`;
  }
  return `${image.id}  ${image.status}: ${image.error ?? 'no reason given'}`;
}

function outcome(images: ImageResult[]): ExitCode {
  if (images.some((image) => image.status === 'failed')) return EXIT.FAILED;
  if (images.some((image) => image.status === 'cancelled')) return EXIT.CANCELLED;
  return EXIT.OK;
}

export const GENERATE_COMMAND: Command = {
  name: 'generate',
  usage:
    'generate "<prompt>" [--model ID] [--keep-alive 10m] [--negative TEXT] [--sampler NAME] [--steps N] [--guidance G] [--seed S] [--size WxH] [--count N] [-o FILE|DIR/]',
  summary: 'generate images (loading the model first when it is not resident), a progress bar per image; Ctrl-C cancels',
  details: [
    '--model: a registered model id (default: the most recently used resident model); it is loaded on demand.',
    '--keep-alive: how long the model stays loaded after these images (10m, 1h30m, seconds, 0 or -1).',
    '-o FILE saves a single image there. A folder (an existing one, or a path ending in /) gets one',
    '<generation id>.png per image, and so does -o with --count above 1. Without -o: the current folder.',
    'Images after the first use seeds seed+1, seed+2, …  `easel samplers` lists the sampler names.',
    'Exits 5 when any image was cancelled, 8 when any failed; the output lists every image either way.',
  ],
  options: {
    negative: { type: 'string' },
    sampler: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    count: { type: 'string', short: 'n' },
    output: { type: 'string', short: 'o' },
    model: { type: 'string', short: 'm' },
    'keep-alive': { type: 'string' },
  },
  positionals: { min: 1, max: Infinity, name: 'prompt' },
  async run(ctx) {
    const input = request(ctx);
    const target = imageTarget(stringOption(ctx.values, 'output'), input.count ?? 1);
    let ids: string[] = [];
    let interrupted = false;
    // The last first, so the queue doesn't start a job that is about to be cancelled; ended ones say so harmlessly.
    const cancelAll = () => [...ids].reverse().forEach((id) => ctx.client.generate.cancel.mutate({ id }).catch(() => undefined));
    const stopListening = onInterrupt(() => {
      interrupted = true;
      ctx.out.note('cancelling…');
      cancelAll();
    });
    let images: ImageResult[];
    try {
      ({ ids } = await ctx.client.generate.start.mutate(input));
      if (interrupted) cancelAll();
      images = await collect(ctx, ids, target);
    } finally {
      stopListening();
    }
    ctx.out.result({ images }, () => images.map(resultLine));
    const code = outcome(images);
    if (code === EXIT.CANCELLED) ctx.out.note(`cancelled: ${images.filter((i) => i.status === 'cancelled').length} of ${images.length} images`);
    if (code === EXIT.FAILED) ctx.out.note(`failed: ${clip(images.find((i) => i.status === 'failed')?.error ?? '', 200)}`);
    return code;
  },
};
