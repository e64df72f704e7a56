import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRequest, LoadedModel, Runner } from '../../../server/core/ports.js';
import { SAMPLERS } from '../../../server/core/schedulers/index.js';
import { buildDemoModel, DEMO_VARIANTS, renderDemoReference, type DemoVariant } from '../../../server/demo-model/index.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { psnr } from '../../unit/demo-model/demo-fixture.js';

const PROMPT = 'a red circle on a blue background';
const GUIDANCE = 7.5;
/** Each sampler at a step count it is meant for: consistency samplers take a few steps, DDPM many. */
const STEPS: Record<string, number> = { LCM: 6, TCD: 6, DDPMS: 50 };
let root: string;
let jobs = 0;

function request(sampler: string, size: number, overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  jobs += 1;
  return {
    jobId: `${sampler}-${jobs}`,
    prompt: PROMPT,
    negativePrompt: '',
    sampler,
    steps: STEPS[sampler] ?? 20,
    guidance: GUIDANCE,
    seed: 11,
    width: size,
    height: size,
    outputPath: join(root, `${sampler}-${jobs}.png`),
    previewEvery: 0,
    ...overrides,
  };
}

async function pixels(path: string): Promise<Uint8Array> {
  const { data } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

async function quality(path: string, size: number, guidance = GUIDANCE): Promise<number> {
  return psnr(await pixels(path), renderDemoReference(PROMPT, size, size, guidance).rgb);
}

/** A few unguided steps towards mid-range colours: nothing is clamped away, so any difference in the sampler's
 * reading of the UNet shows in the image (reading the v-model's output as ε gives 8–67 dB against the ε-model). */
function comparable(sampler: string): Partial<GenerationRequest> {
  return { sampler, steps: 3, guidance: 1, prompt: 'a purple circle on a grey background' };
}

async function sameImage(a: Runner, b: Runner, sampler: string): Promise<number> {
  const first = await a.generate(request(sampler, 64, comparable(sampler)), {});
  const second = await b.generate(request(sampler, 64, comparable(sampler)), {});
  return psnr(await pixels(first.outputPath), await pixels(second.outputPath));
}

/** A runner with `variant` built and loaded, for the tests of one describe block. */
function loadedVariant(variant: DemoVariant): { runner: () => Runner; model: () => LoadedModel } {
  let runner: Runner;
  let model: LoadedModel;
  beforeAll(async () => {
    const dir = join(root, variant.name);
    await buildDemoModel(dir, variant);
    runner = createProcessRunnerFactory().spawn();
    model = await runner.load({ modelPath: dir, device: 'cpu' }, {});
  });
  afterAll(async () => {
    await runner.kill();
  });
  return { runner: () => runner, model: () => model };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-variants-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const epsilon = loadedVariant(DEMO_VARIANTS['easel-demo']);

describe('easel-demo-v: v-prediction at a native 768 px, as SD 2.x', () => {
  const v = loadedVariant(DEMO_VARIANTS['easel-demo-v']);

  it('reports its prediction type and native size', () => {
    expect(v.model().schedulerConfig.prediction_type).toBe('v_prediction');
    expect(v.model().sampleSize * v.model().vaeScaleFactor).toBe(768);
  });

  it.each(SAMPLERS.map((s) => s.name))('draws its prompt with %s and guidance', async (sampler) => {
    const result = await v.runner().generate(request(sampler, 128), {});
    expect(await quality(result.outputPath, 128)).toBeGreaterThanOrEqual(30);
  });

  // Its UNet is easel-demo's exact predictor written as a velocity, so a sampler that turns v into x₀ (or ε) as
  // diffusers does lands on the same image. PNDM is left out: diffusers combines the raw outputs of several steps
  // before converting them, which is not the same as combining ε, so its v-prediction path legitimately differs.
  it.each(SAMPLERS.map((s) => s.name).filter((name) => name !== 'PNDM'))('matches easel-demo with %s', async (sampler) => {
    expect(await sameImage(v.runner(), epsilon.runner(), sampler)).toBeGreaterThanOrEqual(75);
  });

  it('draws its prompt at its native 768×768 without guidance', async () => {
    const result = await v.runner().generate(request('DPM_SOLVER_MULTISTEP', 768, { guidance: 1 }), {});
    expect(await quality(result.outputPath, 768, 1)).toBeGreaterThanOrEqual(30);
  });
});

describe('easel-demo-xl: the SDXL layout', () => {
  const xl = loadedVariant(DEMO_VARIANTS['easel-demo-xl']);

  it('is read as SDXL: two encoders, VAE scaling 0.13025, zeros for an empty prompt, 1024 px native', () => {
    const model = xl.model();
    expect(model.parts.map((p) => p.part)).toEqual(['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder']);
    expect(model.vaeScalingFactor).toBe(0.13025);
    expect(model.forceZerosForEmptyPrompt).toBe(true);
    expect(model.sampleSize * model.vaeScaleFactor).toBe(1024);
  });

  it.each(SAMPLERS.map((s) => s.name))('draws its prompt with %s and guidance', async (sampler) => {
    const result = await xl.runner().generate(request(sampler, 128), {});
    expect(await quality(result.outputPath, 128)).toBeGreaterThanOrEqual(30);
  });

  // Its UNet fades x₀ out unless the colours come from the first encoder's penultimate layer, the rest from the
  // second's, text_embeds from the second encoder's pooled output and time_ids from the image size; and its VAE is
  // built for 0.13025. Any slip shows as a different image from easel-demo's, which has the same predictor.
  it.each(['EULER', 'DPM_SOLVER_MULTISTEP', 'DDIM'])('matches easel-demo with %s', async (sampler) => {
    expect(await sameImage(xl.runner(), epsilon.runner(), sampler)).toBeGreaterThanOrEqual(75);
  });

  it('conditions on a negative prompt when one is given', async () => {
    const plain = await xl.runner().generate(request('EULER', 64, comparable('EULER')), {});
    const negative = await xl.runner().generate(request('EULER', 64, { ...comparable('EULER'), guidance: 3, negativePrompt: 'a purple square' }), {});
    expect(psnr(await pixels(plain.outputPath), await pixels(negative.outputPath))).toBeLessThan(40);
  });

  it('draws its prompt at 768 px, where time_ids must follow the image size', async () => {
    const result = await xl.runner().generate(request('DPM_SOLVER_MULTISTEP', 768, { guidance: 1 }), {});
    expect(await quality(result.outputPath, 768, 1)).toBeGreaterThanOrEqual(30);
  });
});

describe.each([
  { name: 'easel-demo-fp16', variant: DEMO_VARIANTS['easel-demo-fp16'], float32Variant: DEMO_VARIANTS['easel-demo'] },
  { name: 'easel-demo-v-fp16', variant: DEMO_VARIANTS['easel-demo-v-fp16'], float32Variant: DEMO_VARIANTS['easel-demo-v'] },
  { name: 'easel-demo-xl-fp16', variant: DEMO_VARIANTS['easel-demo-xl-fp16'], float32Variant: DEMO_VARIANTS['easel-demo-xl'] },
])('$name: fp16 end to end', ({ variant, float32Variant }) => {
  const fp16 = loadedVariant(variant);
  const float32 = loadedVariant(float32Variant);

  it('takes and gives float16 on every float tensor of every part', () => {
    const { parts } = fp16.model();
    const floats = parts.flatMap((p) => [...p.inputs, ...p.outputs].map((t) => ({ part: p.part, name: t.name, type: t.type })));
    const types = new Set(floats.filter((t) => t.type.startsWith('float')).map((t) => t.type));
    expect([...types]).toEqual(['float16']);
    // Each part has at least one float tensor, so none escaped the check; the ids stay integer.
    for (const part of parts) expect(floats.some((t) => t.part === part.part && t.type === 'float16'), part.part).toBe(true);
    expect(floats.find((t) => t.name === 'input_ids')!.type).toMatch(/^int/);
    expect(floats.filter((t) => t.part === 'unet' && t.type === 'float16').map((t) => t.name)).toEqual(
      expect.arrayContaining(['sample', 'timestep', 'encoder_hidden_states', 'out_sample']),
    );
  });

  it.each(['DPM_SOLVER_MULTISTEP', 'EULER_A', 'DDIM'])('draws its prompt with %s', async (sampler) => {
    const result = await fp16.runner().generate(request(sampler, 128), {});
    expect(await quality(result.outputPath, 128)).toBeGreaterThanOrEqual(30);
  });

  it.each(['DPM_SOLVER_MULTISTEP', 'EULER_A', 'DDIM', 'PNDM'])('matches its float32 build with %s to float16 rounding', async (sampler) => {
    expect(await sameImage(fp16.runner(), float32.runner(), sampler)).toBeGreaterThanOrEqual(60);
  });
});
