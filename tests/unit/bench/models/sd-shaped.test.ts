import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SD_SHAPED, writeSdShapedModel, type SdShapedConfig } from '../../../../bench/models/sd-shaped.js';
import { readModelFolder } from '../../../../server/runner/model-folder.js';
import { checkTensorContract } from '../../../../server/runner/tensor-contract.js';

/** The benchmark's recipe at a size a unit test can afford. */
const TINY: SdShapedConfig = { ...SD_SHAPED, latentSize: 8, channels: [32, 64], attentionLevels: [0, 1], heads: 2, contextDim: 64, tokenTableRows: 0 };

let dir: string;

beforeAll(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'easel-bench-model-')), 'sd-shaped');
  await writeSdShapedModel(dir, TINY);
});

afterAll(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

const open = (part: string) => ort.InferenceSession.create(join(dir, part, 'model.onnx'), { intraOpNumThreads: 1 });

describe('the SD-shaped benchmark model', () => {
  it('is a model folder the runner accepts, with the UNet sample size of its recipe', async () => {
    const folder = await readModelFolder(dir);
    expect(folder.parts).toEqual(['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']);
    expect(folder.config.sampleSize).toBe(TINY.latentSize);
  });

  it('meets the tensor contract for its text encoder and UNet', async () => {
    for (const part of ['text_encoder', 'unet'] as const) {
      const session = await open(part);
      expect(() => checkTensorContract(part, session.inputMetadata, session.outputMetadata)).not.toThrow();
      await session.release();
    }
  });

  it('predicts finite noise of the sample’s shape for a guided batch of two', async () => {
    const unet = await open('unet');
    const side = TINY.latentSize;
    const sample = Float32Array.from({ length: 2 * 4 * side * side }, (_, i) => Math.sin(i));
    const context = Float32Array.from({ length: 2 * 77 * TINY.contextDim }, (_, i) => Math.cos(i));
    const out = await unet.run({
      sample: new ort.Tensor('float32', sample, [2, 4, side, side]),
      timestep: new ort.Tensor('float32', Float32Array.of(500), [1]),
      encoder_hidden_states: new ort.Tensor('float32', context, [2, 77, TINY.contextDim]),
    });
    const prediction = out.out_sample!;
    expect(prediction.dims).toEqual([2, 4, side, side]);
    expect((prediction.data as Float32Array).every(Number.isFinite)).toBe(true);
    await unet.release();
  });

  it('writes the same bytes for the same recipe', async () => {
    const again = `${dir}-again`;
    await writeSdShapedModel(again, TINY);
    for (const file of ['unet/model.onnx', 'text_encoder/model.onnx']) {
      expect((await readFile(join(again, file))).equals(await readFile(join(dir, file))), file).toBe(true);
    }
    await rm(again, { recursive: true, force: true });
  });
});
