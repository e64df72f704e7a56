// `easel generate` and friends against a real server with the demo model: the picture is what the prompt
// says, files land where -o says, --json lists every image, errors exit with their codes, and Ctrl-C
// cancels the jobs that haven't ended.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { near, readPng } from '../../helpers/png-pixels.js';
import { json, runCli, runCliInTerminal, startCli, type CliOptions } from './cli-process.js';

const YELLOW: [number, number, number] = [255, 255, 0];
const BLACK: [number, number, number] = [0, 0, 0];

type Image = {
  id: string;
  status: string;
  seed: number;
  width: number;
  height: number;
  file: string | null;
  imageUrl?: string;
  error: string | null;
  durationMs: number | null;
  runMs: number | null;
};
type CliFailure = { error: { code: string; message: string; exitCode: number } };

describe('the easel command: generate', () => {
  let dataDir: string;
  let outDir: string;
  let easel: EaselProcess;
  let at: CliOptions;
  const easelCli = (...args: string[]) => runCli(args, at);

  beforeAll(async () => {
    dataDir = await makeDataDir('easel-cli-gen-');
    outDir = join(dataDir, 'out');
    await mkdir(outDir);
    easel = await startEaselServer({ dataDir, env: { EASEL_QUEUE_LIMIT: '2' } });
    at = { url: easel.trpcUrl, cwd: outDir };
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('lists the samplers', async () => {
    const samplers = json<Array<{ name: string; label: string }>>(await easelCli('samplers', '--json'));
    expect(samplers).toHaveLength(18);
    expect(samplers.map((s) => s.name)).toContain('EULER_A');
    expect((await easelCli('samplers')).stdout).toMatch(/^NAME +LABEL +STOCHASTIC/);
  });

  it('exits 4 when no model is loaded', async () => {
    const result = await easelCli('generate', 'a yellow star');
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/load one first/);
  });

  it('loads the demo model and draws the prompt into the file -o names', async () => {
    expect((await easelCli('load', 'easel-demo')).code).toBe(0);
    const result = await easelCli('generate', 'a yellow star on a black background', '-o', 'star.png', '--steps', '12');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/star\.png {2}seed \d+, 512×512, DPM_SOLVER_MULTISTEP, 12 steps, [\d.]+ m?s \(onnxruntime [\d.]+ m?s\)$/m);
    expect(result.stderr).toMatch(/image 1\/1: done/);
    const pixels = await readPng(await readFile(join(outDir, 'star.png')));
    expect([pixels.width, pixels.height]).toEqual([512, 512]);
    expect(near(pixels.at(256, 256), YELLOW)).toBe(true);
    expect(near(pixels.at(4, 4), BLACK)).toBe(true);
  });

  it('draws a progress bar on a terminal', async () => {
    const result = await runCliInTerminal(['generate', 'a red circle', '--steps', '100', '-o', 'tty.png'], at);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/image 1\/1 █*░* +\d+% step \d+\/100/);
    expect(result.stdout).toContain('\r\x1b[2K');
    expect(result.stdout).toMatch(/tty\.png {2}seed \d+/);
  });

  it('writes several images into a folder as <id>.png and lists them as JSON', async () => {
    const result = await easelCli('generate', 'a red circle', '--count', '2', '--seed', '40', '--size', '128x96', '--sampler', 'euler-a', '--steps', '6', '-o', 'many/', '--json');
    expect(result.code).toBe(0);
    const { images } = json<{ images: Image[] }>(result);
    expect(images.map((i) => [i.status, i.seed, i.width, i.height])).toEqual([
      ['done', 40, 128, 96],
      ['done', 41, 128, 96],
    ]);
    expect(images.map((i) => i.file)).toEqual(images.map((i) => join(outDir, 'many', `${i.id}.png`)));
    expect((await readdir(join(outDir, 'many'))).sort()).toEqual(images.map((i) => `${i.id}.png`).sort());
    expect(images[0]!.imageUrl).toBe(`/images/${images[0]!.id}.png`);
    for (const image of images) {
      expect(Number.isInteger(image.runMs)).toBe(true);
      expect(image.runMs).toBeGreaterThan(0);
      expect(image.runMs).toBeLessThanOrEqual(image.durationMs!);
    }

    const history = json<{ items: Array<{ id: string }> }>(await easelCli('history', '--generations', '--limit', '2', '--json'));
    expect(history.items.map((g) => g.id).sort()).toEqual(images.map((i) => i.id).sort());
  });

  it('exits 2 for parameters the server or the command line refuses', async () => {
    await writeFile(join(outDir, 'taken.png'), '');
    const cases: Array<[string[], RegExp]> = [
      [['--count', '2', '-o', 'taken.png'], /is a file, but 2 images need a folder/],
      [['--size', 'big'], /--size must look like WIDTHxHEIGHT/],
      [['--sampler', 'foo'], /Unknown sampler "FOO"/],
      [['--size', '100x100'], /width must be a multiple of 8/],
    ];
    for (const [args, message] of cases) {
      const result = await easelCli('generate', 'x', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('exits 9 when the queue is full, and cancels one generation by id', async () => {
    const long = { prompt: 'a red circle', steps: 150, width: 1024, height: 1024 };
    const running = await easel.client.generate.start.mutate({ ...long, count: 2 });
    try {
      const busy = json<CliFailure>(await easelCli('generate', 'x', '--count', '2', '--json'));
      expect(busy.error).toMatchObject({ code: 'BUSY', exitCode: 9 });
      const cancelled = json<{ cancelled: boolean; generation: { status: string } }>(await easelCli('cancel', running.ids[1]!, '--json'));
      expect(cancelled).toMatchObject({ cancelled: true, generation: { status: 'cancelled' } });
    } finally {
      await Promise.all(running.ids.map((id) => easel.client.generate.cancel.mutate({ id })));
    }
  });

  it('cancels the running and queued images on Ctrl-C and exits 5', async () => {
    const generate = startCli(['generate', 'a red circle', '--count', '2', '--steps', '150', '--size', '1024x1024', '-o', 'interrupted/'], at);
    await generate.waitFor(/image 1\/2: generating/);
    generate.child.kill('SIGINT');
    const result = await generate.exited;
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/cancelled: [12] of 2 images/);
    const { items } = await easel.client.history.generations.query({ limit: 2 });
    expect(items.every((g) => g.prompt === 'a red circle' && g.steps === 150)).toBe(true);
    expect(items.map((g) => g.status)).toContain('cancelled');
    expect(items.every((g) => g.status === 'done' || g.status === 'cancelled')).toBe(true);
    for (const g of items.filter((i) => i.status === 'cancelled')) {
      expect(result.stdout).toMatch(new RegExp(`${g.id} {2}cancelled`));
      expect(g.runMs).toBeNull();
    }
  });
});
