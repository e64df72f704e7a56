import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoModel, DEMO_MODEL_NAME } from '../../../server/demo-model/index.js';
import { openDemoModel, type DemoModel } from './demo-fixture.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

const readJson = async (dir: string, path: string) => JSON.parse(await readFile(join(dir, path), 'utf8')) as Record<string, unknown>;

describe('buildDemoModel', () => {
  let model: DemoModel;
  beforeAll(async () => {
    model = await openDemoModel();
  });
  afterAll(() => model.close());

  it('writes the diffusers ONNX layout', async () => {
    expect(await listFiles(model.dir)).toEqual([
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/config.json',
      'text_encoder/model.onnx',
      'tokenizer/merges.txt',
      'tokenizer/special_tokens_map.json',
      'tokenizer/tokenizer_config.json',
      'tokenizer/vocab.json',
      'unet/config.json',
      'unet/model.onnx',
      'unet/model.onnx_data',
      'vae_decoder/config.json',
      'vae_decoder/model.onnx',
      'vae_encoder/config.json',
      'vae_encoder/model.onnx',
    ]);
  });

  it('writes the configs an SD 1.5 export has', async () => {
    const dir = model.dir;
    expect(await readJson(dir, 'model_index.json')).toMatchObject({ _name_or_path: DEMO_MODEL_NAME, scheduler: ['diffusers', 'PNDMScheduler'] });
    expect(await readJson(dir, 'scheduler/scheduler_config.json')).toMatchObject({
      _class_name: 'PNDMScheduler',
      beta_start: 0.00085,
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      num_train_timesteps: 1000,
      steps_offset: 1,
      set_alpha_to_one: false,
      skip_prk_steps: true,
      clip_sample: false,
      prediction_type: 'epsilon',
    });
    const textEncoder = await readJson(dir, 'text_encoder/config.json');
    expect(textEncoder).toMatchObject({ max_position_embeddings: 77 });
    expect(await readJson(dir, 'unet/config.json')).toMatchObject({
      sample_size: 64,
      in_channels: 4,
      out_channels: 4,
      cross_attention_dim: textEncoder.hidden_size,
    });
    for (const part of ['vae_decoder', 'vae_encoder']) {
      const vae = await readJson(dir, `${part}/config.json`);
      expect(vae).toMatchObject({ scaling_factor: 0.18215, latent_channels: 4 });
      expect(vae.block_out_channels).toHaveLength(4);
    }
    expect(await readJson(dir, 'tokenizer/tokenizer_config.json')).toMatchObject({ model_max_length: 77, pad_token: '<|endoftext|>' });
    const vocab = await readJson(dir, 'tokenizer/vocab.json');
    expect(textEncoder.vocab_size).toBe(Object.keys(vocab).length);
    expect(vocab["<|endoftext|>"]).toBe((textEncoder.vocab_size as number) - 1);
  });

  it('stays under 5 MB', async () => {
    let total = 0;
    for (const file of await listFiles(model.dir)) total += (await stat(join(model.dir, file))).size;
    expect(total).toBeLessThan(5 * 1024 * 1024);
  });

  it('writes the same bytes on every build', async () => {
    const again = await openDemoModel();
    try {
      for (const file of await listFiles(model.dir)) {
        expect(await readFile(join(again.dir, file)), file).toEqual(await readFile(join(model.dir, file)));
      }
    } finally {
      await again.close();
    }
  });

  it('creates the folder it is given when missing', async () => {
    const dir = join(model.dir, 'nested', 'demo');
    await buildDemoModel(dir);
    expect(await listFiles(dir)).toHaveLength(15);
  });

  it('declares the tensor names, types and symbolic sizes of an SD ONNX export', () => {
    const io = (session: DemoModel['unet']) => ({ inputs: session.inputMetadata, outputs: session.outputMetadata });
    expect(io(model.textEncoder)).toMatchObject({
      inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 77] }],
      outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 77, expect.any(Number)] }],
    });
    expect(io(model.unet)).toMatchObject({
      inputs: [
        { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
        { name: 'timestep', type: 'float32', shape: [1] },
        { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 77, expect.any(Number)] },
      ],
      outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    });
    expect(io(model.decoder)).toMatchObject({
      inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
      outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'image_height', 'image_width'] }],
    });
    expect(io(model.encoder)).toMatchObject({
      inputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'image_height', 'image_width'] }],
      outputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    });
  });
});
