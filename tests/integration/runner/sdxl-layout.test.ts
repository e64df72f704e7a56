import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import { buildDemoModel, DEMO_VARIANTS } from '../../../server/demo-model/index.js';
import { readModelFolder } from '../../../server/runner/model-folder.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-sdxl-layout-'));
  await buildDemoModel(join(root, 'sd'));
  await buildDemoModel(join(root, 'xl'), DEMO_VARIANTS['easel-demo-xl']);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the `from` folder, changed by `edit`. */
async function variantOf(from: 'sd' | 'xl', edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, `case-${count++}`);
  await cp(join(root, from), dir, { recursive: true });
  await edit(dir);
  return dir;
}

async function editIndex(dir: string, change: (index: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, 'model_index.json');
  const index = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(index);
  await writeFile(path, JSON.stringify(index));
}

async function loadFailure(dir: string): Promise<EaselError> {
  const runner = createProcessRunnerFactory().spawn();
  try {
    await runner.load({ modelPath: dir, device: 'cpu' }, {});
  } catch (error) {
    return error as EaselError;
  } finally {
    await runner.kill();
  }
  throw new Error(`${dir} loaded`);
}

async function folderFailure(dir: string): Promise<EaselError> {
  const error = await readModelFolder(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EaselError);
  expect((error as EaselError).code).toBe('INVALID_MODEL');
  return error as EaselError;
}

describe('folders that mix the SD and SDXL layouts', () => {
  it('refuses a UNet that expects text_embeds when there is no text_encoder_2, naming file and input', async () => {
    const dir = await variantOf('xl', async (d) => {
      await rm(join(d, 'text_encoder_2'), { recursive: true });
      await rm(join(d, 'tokenizer_2'), { recursive: true });
      await editIndex(d, (index) => {
        delete index.text_encoder_2;
        delete index.tokenizer_2;
      });
    });
    const error = await loadFailure(dir);
    expect(error.message).toMatch(/unet\/model\.onnx input 'text_embeds' is SDXL's added conditioning, but the folder has no text_encoder_2/);
  });

  it("refuses SDXL encoders beside an SD UNet, naming the UNet's missing input", async () => {
    const dir = await variantOf('sd', async (d) => {
      await cp(join(root, 'xl', 'text_encoder_2'), join(d, 'text_encoder_2'), { recursive: true });
      await cp(join(root, 'xl', 'tokenizer_2'), join(d, 'tokenizer_2'), { recursive: true });
      await editIndex(d, (index) => {
        index.text_encoder_2 = ['transformers', 'CLIPTextModelWithProjection'];
      });
    });
    const error = await loadFailure(dir);
    expect(error.message).toMatch(/unet\/model\.onnx has no input 'text_embeds', but the folder has SDXL's text_encoder_2 — it mixes the SD and SDXL layouts/);
  });

  it('refuses a model_index.json that lists text_encoder_2 when its folder is missing', async () => {
    const dir = await variantOf('xl', (d) => rm(join(d, 'text_encoder_2'), { recursive: true }));
    const error = await folderFailure(dir);
    expect(error.message).toMatch(/model_index\.json lists "text_encoder_2" but text_encoder_2\/model\.onnx is missing/);
    expect(error.details).toEqual({ file: 'model_index.json', key: 'text_encoder_2' });
  });

  it('refuses text_encoder_2 that model_index.json does not list', async () => {
    const dir = await variantOf('xl', (d) => editIndex(d, (index) => delete index.text_encoder_2));
    expect((await folderFailure(dir)).details).toEqual({ file: 'model_index.json', key: 'text_encoder_2' });
  });

  it('refuses tokenizer_2 in an SD folder', async () => {
    const dir = await variantOf('sd', (d) => cp(join(root, 'xl', 'tokenizer_2'), join(d, 'tokenizer_2'), { recursive: true }));
    expect((await folderFailure(dir)).message).toMatch(/tokenizer_2\/ is present without text_encoder_2\/model\.onnx/);
  });

  it('refuses an SDXL folder without tokenizer_2', async () => {
    const dir = await variantOf('xl', (d) => rm(join(d, 'tokenizer_2'), { recursive: true }));
    expect((await folderFailure(dir)).message).toMatch(/tokenizer_2\/vocab\.json is missing/);
  });
});
