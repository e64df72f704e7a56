// Several generations through one UNet run per step, in a real runner on the demo model: each image is the image
// its request makes alone (its own seed, prompts and sampler state), each job reports its own progress, and a job
// cancelled mid-batch leaves it while the others finish.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { GenerationProgress, GenerationRequest, Runner } from '../../../server/core/ports.js';
import { buildDemoModel } from '../../../server/demo-model/index.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { psnr } from '../../unit/demo-model/demo-fixture.js';

const factory = createProcessRunnerFactory();
let root: string;
let runner: Runner;
let jobs = 0;

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  jobs += 1;
  return {
    jobId: `job-${jobs}`,
    prompt: 'a red circle on a blue background',
    negativePrompt: '',
    sampler: 'EULER_A',
    steps: 12,
    guidance: 7.5,
    seed: 42,
    width: 128,
    height: 128,
    outputPath: join(root, 'out', `job-${jobs}.png`),
    previewEvery: 4,
    ...overrides,
  };
}

async function rgb(path: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(path).raw().toBuffer());
}

function batch(requests: GenerationRequest[], options: Array<{ onProgress?: (p: GenerationProgress) => void; signal?: AbortSignal }> = []) {
  if (!runner.generateBatch) throw new Error('the process runner batches');
  return runner.generateBatch(requests, requests.map((_, i) => options[i] ?? {}));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-batch-'));
  await buildDemoModel(join(root, 'demo'));
  runner = factory.spawn();
  await runner.load({ modelPath: join(root, 'demo'), device: 'cpu' }, {});
});

afterAll(async () => {
  await runner?.kill();
  await rm(root, { recursive: true, force: true });
});

describe('a batch of generations in one runner', () => {
  it.each(['EULER_A', 'DPM_SOLVER_MULTISTEP'])('makes with %s the images each request makes alone', async (sampler) => {
    const asked = [
      request({ sampler, seed: 1 }),
      request({ sampler, seed: 2, prompt: 'a green square on a black background' }),
      request({ sampler, seed: 3, negativePrompt: 'blurry' }),
    ];
    const progress: GenerationProgress[][] = asked.map(() => []);
    const results = await Promise.all(batch(asked, asked.map((_, i) => ({ onProgress: (p: GenerationProgress) => progress[i]!.push(p) }))));
    for (const [i, result] of results.entries()) {
      expect(result.outputPath).toBe(asked[i]!.outputPath);
      expect(progress[i]!.map((p) => p.step)).toEqual(Array.from({ length: 12 }, (_, s) => s + 1));
      expect(progress[i]!.filter((p) => p.previewPngBase64).map((p) => p.step)).toEqual([4, 8, 12]);
      const alone = await runner.generate({ ...asked[i]!, jobId: `${asked[i]!.jobId}-alone`, outputPath: `${asked[i]!.outputPath}.alone.png` }, {});
      // The UNet at another batch size sums in another order: equal up to float rounding.
      expect(psnr(await rgb(result.outputPath), await rgb(alone.outputPath))).toBeGreaterThanOrEqual(45);
    }
    // Three different requests, three different images.
    const [a, b] = await Promise.all([rgb(results[0]!.outputPath), rgb(results[1]!.outputPath)]);
    expect(psnr(a, b)).toBeLessThan(30);
  });

  it('lets one job leave the batch when cancelled; the others finish', async () => {
    const controller = new AbortController();
    const asked = [request({ seed: 4, steps: 40 }), request({ seed: 5, steps: 40 }), request({ seed: 6, steps: 40 })];
    const [first, cancelled, third] = batch(asked, [
      {},
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 3) controller.abort();
        },
      },
      {},
    ]);
    const error = await cancelled!.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EaselError);
    expect((error as EaselError).code).toBe('CANCELLED');
    await expect(first).resolves.toMatchObject({ outputPath: asked[0]!.outputPath });
    await expect(third).resolves.toMatchObject({ outputPath: asked[2]!.outputPath });
    await expect(access(asked[1]!.outputPath)).rejects.toThrow();
    // The runner is free again.
    await expect(runner.generate(request({ seed: 7, steps: 2 }), {})).resolves.toBeTruthy();
  });

  it('runs requests that cannot share a UNet run (other step counts) one after the other, each right', async () => {
    const asked = [request({ seed: 8, steps: 6 }), request({ seed: 8, steps: 9 })];
    const results = await Promise.all(batch(asked));
    const alone = await runner.generate({ ...asked[1]!, jobId: 'other-steps-alone', outputPath: join(root, 'out', 'other-steps-alone.png') }, {});
    expect(psnr(await rgb(results[1]!.outputPath), await rgb(alone.outputPath))).toBe(Infinity);
  });
});
