import { access, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { GenerationProgress, GenerationRequest, Runner } from '../../../server/core/ports.js';
import { buildDemoModel, renderDemoReference } from '../../../server/demo-model/index.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';
import { psnr } from '../../unit/demo-model/demo-fixture.js';

const factory = createProcessRunnerFactory();
const RED_CIRCLE = 'a red circle on a blue background';
const GREEN_SQUARE = 'a green square on a black background';
let root: string;
let demo: string;
let runner: Runner;
let jobs = 0;

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  jobs += 1;
  return {
    jobId: `job-${jobs}`,
    prompt: RED_CIRCLE,
    negativePrompt: '',
    sampler: 'DPM_SOLVER_MULTISTEP',
    steps: 20,
    guidance: 7.5,
    seed: 42,
    width: 128,
    height: 128,
    outputPath: join(root, 'out', `job-${jobs}.png`),
    previewEvery: 0,
    ...overrides,
  };
}

async function pixels(png: string | Buffer): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

async function failure(promise: Promise<unknown>): Promise<EaselError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof EaselError)) throw new Error(`expected an EaselError, got ${String(error)}`);
  return error;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function loadedRunner(modelPath: string): Promise<Runner> {
  const spawned = factory.spawn();
  await spawned.load({ modelPath, device: 'cpu' }, {});
  return spawned;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-generation-'));
  demo = join(root, 'demo');
  await buildDemoModel(demo);
  runner = await loadedRunner(demo);
});

afterAll(async () => {
  await runner.kill();
  await rm(root, { recursive: true, force: true });
});

describe('text-to-image with the demo model', () => {
  it.each([7.5, 1])('draws the prompt at 512×512 with DPM++ 2M in 20 steps at guidance %s', async (guidance) => {
    const progress: GenerationProgress[] = [];
    const asked = request({ width: 512, height: 512, guidance, previewEvery: 5 });
    const result = await runner.generate(asked, { onProgress: (p) => progress.push(p) });

    expect(result.outputPath).toBe(asked.outputPath);
    expect(result.runMs).toBeGreaterThan(0);
    expect(result.totalMs).toBeGreaterThanOrEqual(result.runMs);
    const image = await pixels(result.outputPath);
    expect([image.width, image.height]).toEqual([512, 512]);
    expect(psnr(image.rgb, renderDemoReference(RED_CIRCLE, 512, 512, guidance).rgb)).toBeGreaterThanOrEqual(30);

    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress.every((p) => p.totalSteps === 20)).toBe(true);
    expect(progress.filter((p) => p.previewPngBase64).map((p) => p.step)).toEqual([5, 10, 15, 20]);
    const preview = await pixels(Buffer.from(progress[19]!.previewPngBase64!, 'base64'));
    expect([preview.width, preview.height]).toEqual([64, 64]);
  });

  it('gives the same bytes for the same seed and other bytes for another seed', async () => {
    const same = { sampler: 'EULER_A', seed: 7 };
    const first = await runner.generate(request(same), {});
    const again = await runner.generate(request(same), {});
    const other = await runner.generate(request({ ...same, seed: 8 }), {});
    const [a, b, c] = await Promise.all([first, again, other].map((r) => readFile(r.outputPath)));
    expect(b!.equals(a!)).toBe(true);
    expect(c!.equals(a!)).toBe(false);
  });

  it('stops within a step of a cancel, writes nothing, and stays loaded', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const asked = request({ width: 512, height: 512, steps: 150 });
    const onProgress = (p: GenerationProgress): void => {
      steps.push(p.step);
      if (p.step === 2) controller.abort();
    };
    const error = await failure(runner.generate(asked, { onProgress, signal: controller.signal }));

    expect(error.code).toBe('CANCELLED');
    expect(steps.at(-1)).toBeLessThan(150);
    expect(await exists(asked.outputPath)).toBe(false);
    const next = await runner.generate(request(), {});
    expect(await exists(next.outputPath)).toBe(true);
  });

  it('answers BUSY while another generation runs', async () => {
    const controller = new AbortController();
    const running = runner.generate(request({ width: 512, height: 512, steps: 150 }), { signal: controller.signal });
    const error = await failure(runner.generate(request(), {}));
    controller.abort();
    expect(error.code).toBe('BUSY');
    expect((await failure(running)).code).toBe('CANCELLED');
  });

  it.each([
    [{ width: 100 }, /width must be a multiple of 8/],
    [{ steps: 0 }, /steps must be an integer from 1 to 150/],
    [{ sampler: 'NOT_A_SAMPLER' }, /Unknown sampler "NOT_A_SAMPLER"/],
  ] as Array<[Partial<GenerationRequest>, RegExp]>)('refuses %j with a typed error and keeps working', async (change, message) => {
    const error = await failure(runner.generate(request(change), {}));
    expect(error.code).toBe('GENERATION_FAILED');
    expect(error.details).toEqual({ code: 'INVALID_INPUT' });
    expect(error.message).toMatch(message);
    const next = await runner.generate(request(), {});
    expect(await exists(next.outputPath)).toBe(true);
  });
});

describe('image-to-image with the demo model', () => {
  it('repaints the initial image at strength 0.5 close to what the prompt describes', async () => {
    const reference = renderDemoReference(GREEN_SQUARE, 128, 128, 7.5).rgb;
    const init = await sharp(reference, { raw: { width: 128, height: 128, channels: 3 } }).png().toBuffer();
    const progress: GenerationProgress[] = [];
    const asked = request({ prompt: GREEN_SQUARE, initImageBase64: init.toString('base64'), strength: 0.5 });
    const result = await runner.generate(asked, { onProgress: (p) => progress.push(p) });

    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(psnr((await pixels(result.outputPath)).rgb, reference)).toBeGreaterThanOrEqual(30);
  });

  it('refuses image-to-image on a model without a vae_encoder', async () => {
    const noEncoder = join(root, 'no-encoder');
    await cp(demo, noEncoder, { recursive: true });
    await rm(join(noEncoder, 'vae_encoder'), { recursive: true });
    const other = await loadedRunner(noEncoder);
    try {
      const error = await failure(other.generate(request({ initImageBase64: 'iVBORw0KGgo=', strength: 0.5 }), {}));
      expect(error.code).toBe('GENERATION_FAILED');
      expect(error.message).toBe('this model has no vae_encoder; image-to-image is not available');
    } finally {
      await other.kill();
    }
  });
});

describe('a runner around a generation', () => {
  it('refuses to generate before a model is loaded', async () => {
    const fresh = factory.spawn();
    try {
      expect((await failure(fresh.generate(request(), {}))).code).toBe('NOT_LOADED');
    } finally {
      await fresh.kill();
    }
  });

  it('reports a runner that dies mid-generation as RUNNER_CRASHED', async () => {
    const doomed = await loadedRunner(demo);
    const onProgress = (p: GenerationProgress): void => {
      if (p.step === 2) process.kill(doomed.pid!, 'SIGKILL');
    };
    const error = await failure(doomed.generate(request({ width: 512, height: 512, steps: 150 }), { onProgress }));
    expect(error.code).toBe('RUNNER_CRASHED');
    expect(error.message).toMatch(/was killed by SIGKILL during generation job-\d+ at step \d+ of 150/);
  });

  it('cancels a generation in progress when asked to stop, then exits cleanly', async () => {
    const stopping = await loadedRunner(demo);
    let stopped: ReturnType<Runner['stop']> | undefined;
    const onProgress = (p: GenerationProgress): void => {
      if (p.step === 2) stopped ??= stopping.stop();
    };
    const error = await failure(stopping.generate(request({ width: 512, height: 512, steps: 150 }), { onProgress }));
    expect(error.code).toBe('CANCELLED');
    expect(await stopped).toEqual({ code: 0, signal: null });
  });

  it('feeds a UNet that takes an int64 timestep', async () => {
    const tiny = await loadedRunner(await writeTinyModel(join(root, 'tiny')));
    try {
      const result = await tiny.generate(request({ sampler: 'EULER', steps: 4, width: 64, height: 64 }), {});
      const image = await pixels(result.outputPath);
      expect([image.width, image.height]).toEqual([64, 64]);
    } finally {
      await tiny.kill();
    }
  });
});
