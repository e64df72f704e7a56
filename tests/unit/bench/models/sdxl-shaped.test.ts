import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDXL_SHAPED, writeSdxlShapedModel, type SdxlShapedConfig } from '../../../../bench/models/sdxl-shaped.js';
import type { LoadedModel, Runner } from '../../../../server/core/ports.js';
import { readModelFolder } from '../../../../server/runner/model-folder.js';
import { createProcessRunnerFactory } from '../../../../server/runner/process-runner.js';

/** The benchmark's recipe at a size a unit test can afford. */
const TINY: SdxlShapedConfig = {
  ...SDXL_SHAPED,
  latentSize: 8,
  channels: [32, 64],
  attentionLevels: [1],
  heads: 2,
  encoderDims: [32, 64],
  contextDim: 96,
  pooledDim: 48,
  tokenTableRows: 0,
};

let root: string;
let runner: Runner;
let model: LoadedModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-bench-sdxl-'));
  await writeSdxlShapedModel(join(root, 'sdxl'), TINY);
  runner = createProcessRunnerFactory().spawn();
  model = await runner.load({ modelPath: join(root, 'sdxl'), device: 'cpu' }, {});
});

afterAll(async () => {
  await runner.kill();
  await rm(root, { recursive: true, force: true });
});

describe('the SDXL-shaped benchmark model', () => {
  it('is an SDXL-layout folder with the sample size of its recipe', async () => {
    const folder = await readModelFolder(join(root, 'sdxl'));
    expect(folder.parts).toEqual(['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder']);
    expect(folder.config.sampleSize).toBe(TINY.latentSize);
    expect(folder.config.vaeScalingFactor).toBe(0.13025);
  });

  it("has SDXL's UNet inputs, widths from both encoders and the pooled projection", () => {
    const unet = model.parts.find((p) => p.part === 'unet')!;
    const dims = Object.fromEntries(unet.inputs.map((i) => [i.name, i.dims]));
    expect(dims.encoder_hidden_states).toEqual(['batch', 77, 96]);
    expect(dims.text_embeds).toEqual(['batch', 48]);
    expect(dims.time_ids).toEqual(['batch', 6]);
  });

  it('generates through the SDXL pipeline, guided', async () => {
    const result = await runner.generate(
      {
        jobId: 'sdxl-shaped',
        prompt: 'a red circle',
        negativePrompt: 'blue',
        sampler: 'EULER',
        steps: 2,
        guidance: 5,
        seed: 1,
        width: 64,
        height: 64,
        outputPath: join(root, 'out.png'),
        previewEvery: 0,
      },
      {},
    );
    expect(result.runMs).toBeGreaterThan(0);
  });
});
