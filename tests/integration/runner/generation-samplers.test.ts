import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRequest, Runner } from '../../../server/core/ports.js';
import { SAMPLERS } from '../../../server/core/schedulers/index.js';
import { buildDemoModel, renderDemoReference } from '../../../server/demo-model/index.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { psnr } from '../../unit/demo-model/demo-fixture.js';

const PROMPT = 'a red circle on a blue background';
const SIZE = 128;
const GUIDANCE = 7.5;
/** Each sampler at a step count it is meant for: consistency samplers take a few steps, DDPM many. */
const STEPS: Record<string, number> = { LCM: 6, TCD: 6, DDPMS: 50 };
const reference = renderDemoReference(PROMPT, SIZE, SIZE, GUIDANCE).rgb;
let root: string;
let runner: Runner;
let jobs = 0;

function request(sampler: string, seed: number): GenerationRequest {
  jobs += 1;
  return {
    jobId: `${sampler}-${jobs}`,
    prompt: PROMPT,
    negativePrompt: '',
    sampler,
    steps: STEPS[sampler] ?? 20,
    guidance: GUIDANCE,
    seed,
    width: SIZE,
    height: SIZE,
    outputPath: join(root, `${sampler}-${jobs}.png`),
    previewEvery: 0,
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-samplers-'));
  await buildDemoModel(join(root, 'demo'));
  runner = createProcessRunnerFactory().spawn();
  await runner.load({ modelPath: join(root, 'demo'), device: 'cpu' }, {});
});

afterAll(async () => {
  await runner.kill();
  await rm(root, { recursive: true, force: true });
});

// The demo UNet predicts x₀ exactly, so every sampler, stochastic or not, ends on the reference up to the noise its
// last step leaves (√(1 − ᾱ) at the final timestep for DDIM-like samplers: about 58 dB here) and float rounding.
describe.each(SAMPLERS.map((s) => s.name))('the %s sampler on the demo model', (sampler) => {
  it('converges to the reference image within 30 dB', async () => {
    const result = await runner.generate(request(sampler, 11), {});
    const { data } = await sharp(result.outputPath).raw().toBuffer({ resolveWithObject: true });
    expect(psnr(new Uint8Array(data), reference)).toBeGreaterThanOrEqual(30);
  });
});

describe.each(SAMPLERS.filter((s) => s.stochastic).map((s) => s.name))('the stochastic %s sampler', (sampler) => {
  it('draws its step noise from the seed, so the same seed gives the same bytes', async () => {
    const first = await runner.generate(request(sampler, 5), {});
    const again = await runner.generate(request(sampler, 5), {});
    expect((await readFile(again.outputPath)).equals(await readFile(first.outputPath))).toBe(true);
  });
});
