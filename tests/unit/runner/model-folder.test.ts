import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { readModelFolder } from '../../../server/runner/model-folder.js';
import { SD15_SCHEDULER_CONFIG, TINY_MODEL, writeTinyModel, type TinyModelOptions } from '../../helpers/model-fixtures.js';

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-model-folder-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tinyModel(options: TinyModelOptions = {}): Promise<string> {
  return writeTinyModel(join(root, `model-${count++}`), options);
}

async function expectInvalid(path: string, message: RegExp): Promise<void> {
  const error = await readModelFolder(path).catch((e: unknown) => e);
  expect(isEaselError(error, 'INVALID_MODEL'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

describe('readModelFolder', () => {
  it('reads the configs of a complete model folder', async () => {
    const dir = await tinyModel();
    const folder = await readModelFolder(dir);
    expect(folder.parts).toEqual(['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']);
    expect(folder.files.unet).toBe(join(dir, 'unet', 'model.onnx'));
    expect(folder.config).toEqual({
      ...TINY_MODEL,
      hasVaeEncoder: true,
      schedulerConfig: SD15_SCHEDULER_CONFIG,
      predictionType: 'epsilon',
      samplingDefaults: { sources: [] },
    });
  });

  it('treats the VAE encoder as optional', async () => {
    const folder = await readModelFolder(await tinyModel({ omit: 'vae_encoder' }));
    expect(folder.parts).toEqual(['text_encoder', 'unet', 'vae_decoder']);
    expect(folder.config.hasVaeEncoder).toBe(false);
  });

  it.each(['text_encoder', 'unet', 'vae_decoder'] as const)('names %s/model.onnx when it is missing', async (part) => {
    await expectInvalid(await tinyModel({ omit: part }), new RegExp(`${part}/model\\.onnx is missing`));
  });

  it.each([
    ['model_index', /model_index\.json is missing/],
    ['scheduler', /scheduler\/scheduler_config\.json is missing/],
    ['tokenizer', /tokenizer\/vocab\.json is missing/],
  ] as const)('names the missing file when %s is left out', async (piece, message) => {
    await expectInvalid(await tinyModel({ omit: piece }), message);
  });

  it('refuses a folder that does not exist', async () => {
    await expectInvalid(join(root, 'nowhere'), /does not exist/);
  });

  it('refuses a path that is a file', async () => {
    const dir = await tinyModel();
    await expectInvalid(join(dir, 'model_index.json'), /is not a folder/);
  });

  it('names a config file that is not valid JSON', async () => {
    const dir = await tinyModel();
    await writeFile(join(dir, 'unet', 'config.json'), '{ sample_size: 8');
    await expectInvalid(dir, /unet\/config\.json is not valid JSON/);
  });

  it('refuses a UNet config without a usable sample_size', async () => {
    const dir = await tinyModel();
    await writeFile(join(dir, 'unet', 'config.json'), JSON.stringify({ sample_size: 'big' }));
    await expectInvalid(dir, /unet\/config\.json sample_size must be a positive integer/);
  });

  it('falls back to SD defaults when the VAE config says nothing', async () => {
    const dir = await tinyModel();
    await writeFile(join(dir, 'vae_decoder', 'config.json'), JSON.stringify({ block_out_channels: [8, 8] }));
    const { config } = await readModelFolder(dir);
    expect(config.vaeScalingFactor).toBe(0.18215);
    expect(config.vaeScaleFactor).toBe(2);
  });

  it('takes the tokenizer length from the text encoder when the tokenizer states no sane limit', async () => {
    const dir = await tinyModel();
    await writeFile(join(dir, 'tokenizer', 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1e30 }));
    await writeFile(join(dir, 'text_encoder', 'config.json'), JSON.stringify({ max_position_embeddings: 64 }));
    expect((await readModelFolder(dir)).config.tokenizerMaxLength).toBe(64);
  });

  it('uses 77 tokens when neither the tokenizer nor the text encoder states a length', async () => {
    const dir = await tinyModel();
    await rm(join(dir, 'tokenizer', 'tokenizer_config.json'));
    await rm(join(dir, 'text_encoder', 'config.json'));
    expect((await readModelFolder(dir)).config.tokenizerMaxLength).toBe(77);
  });
});
