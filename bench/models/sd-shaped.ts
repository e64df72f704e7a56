// The benchmark's heavy model "bench-sd-shaped": the demo model's tokenizer, scheduler and VAE with a CLIP-sized
// text encoder and an SD-shaped UNet (convolutions, group norm, self- and cross-attention, a down and an up
// path) holding seeded random weights. Its images are noise; its cost per step is what the benchmark needs.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePythonJson } from '../../server/core/python-json.js';
import { buildDemoModel } from '../../server/demo-model/index.js';
import { GraphBuilder } from '../../server/onnx-build/graph-builder.js';
import { writeJson, writeOnnxModel } from '../../server/onnx-build/model-files.js';
import { WeightSource } from './random-weights.js';
import { UnetLayers } from './unet-layers.js';

export interface SdShapedConfig {
  /** Latent side: images are 8× this. */
  latentSize: number;
  /** Channels per resolution level, highest resolution first; each level halves the side. */
  channels: number[];
  /** Levels (indices into `channels`) that carry a transformer block, as SD's CrossAttn blocks do. */
  attentionLevels: number[];
  heads: number;
  /** CLIP ViT-L/14's width, which SD 1.x's cross-attention reads. */
  contextDim: number;
  /** Rows of the text encoder's token table: CLIP's vocabulary size, for a realistic share of the load. */
  tokenTableRows: number;
  seed: number;
  /** SDXL's added conditioning: UNet inputs text_embeds (this wide) and time_ids, folded into the time embedding. */
  pooledDim?: number;
}

/** SDXL's six time ids (original size, crop top-left, target size). */
const TIME_IDS = 6;
/** Width of each time id's embedding (SDXL's addition_time_embed_dim). */
const TIME_ID_DIM = 256;

/**
 * Sized by CPU time, which a shared machine disturbs least: a guided step (a batch of 2) costs ≈185 ms of one
 * core, i.e. about 100 ms with 2 onnxruntime threads on 2 idle cores (147–165 ms measured on a busy one).
 */
export const SD_SHAPED: SdShapedConfig = {
  latentSize: 32,
  channels: [64, 128, 128],
  attentionLevels: [0, 1],
  heads: 4,
  contextDim: 768,
  tokenTableRows: 49408,
  seed: 20240611,
};

const LATENT_CHANNELS = 4;
const TOKENS = 77;
const PRODUCER = 'easel-bench';
/** Initializers of at least this size go to model.onnx_data, as large exports do. */
const EXTERNAL = { fileName: 'model.onnx_data', minBytes: 1024 * 1024 };

export function buildSdShapedUnet(config: SdShapedConfig): GraphBuilder {
  const g = new GraphBuilder('bench_sd_shaped_unet');
  const layers = new UnetLayers(g, new WeightSource(config.seed));
  const sample = g.input('sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', [1]);
  const context = { value: g.input('encoder_hidden_states', 'float32', ['batch', TOKENS, config.contextDim]), dim: config.contextDim };
  const base = config.channels[0]!;
  const timeDim = 4 * base;
  let time = layers.timeEmbedding(timestep, base, timeDim);
  if (config.pooledDim !== undefined) {
    // SDXL's add_embedding: [text_embeds, embedded time ids] → linear → SiLU → linear, added to the time embedding.
    const textEmbeds = g.input('text_embeds', 'float32', ['batch', config.pooledDim]);
    const timeIds = layers.linear(g.input('time_ids', 'float32', ['batch', TIME_IDS]), TIME_IDS, TIME_IDS * TIME_ID_DIM);
    const added = g.op('Concat', [textEmbeds, timeIds], { axis: { int: 1 } });
    const width = config.pooledDim + TIME_IDS * TIME_ID_DIM;
    time = g.op('Add', [time, layers.linear(layers.silu(layers.linear(added, width, timeDim)), timeDim, timeDim)]);
  }
  const attends = (level: number) => config.attentionLevels.includes(level);
  const last = config.channels.length - 1;

  let h = layers.conv(sample, LATENT_CHANNELS, base, 3);
  let width = base;
  const skips: Array<{ value: string; channels: number }> = [{ value: h, channels: width }];
  config.channels.forEach((channels, level) => {
    h = layers.resBlock(h, width, channels, time, timeDim);
    width = channels;
    if (attends(level)) h = layers.transformer(h, width, config.heads, context);
    skips.push({ value: h, channels: width });
    if (level < last) {
      h = layers.downsample(h, width);
      skips.push({ value: h, channels: width });
    }
  });

  h = layers.resBlock(h, width, width, time, timeDim);
  h = layers.transformer(h, width, config.heads, context);
  h = layers.resBlock(h, width, width, time, timeDim);

  for (let level = last; level >= 0; level--) {
    const channels = config.channels[level]!;
    for (let i = 0; i < 2; i++) {
      const skip = skips.pop()!;
      h = layers.resBlock(g.op('Concat', [h, skip.value], { axis: { int: 1 } }), width + skip.channels, channels, time, timeDim);
      width = channels;
      if (attends(level)) h = layers.transformer(h, width, config.heads, context);
    }
    if (level > 0) h = layers.upsample(h, width);
  }
  const out = layers.conv(layers.silu(layers.groupNorm(h, width)), width, LATENT_CHANNELS, 3);
  g.output(out, 'out_sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  return g;
}

/** A CLIP-sized token table and position table, a layer norm and one projection: CLIP's input and output widths. */
export function buildSdShapedTextEncoder(config: SdShapedConfig, vocabularySize: number): GraphBuilder {
  const g = new GraphBuilder('bench_sd_shaped_text_encoder');
  const weights = new WeightSource(config.seed + 1);
  const layers = new UnetLayers(g, weights);
  const dim = config.contextDim;
  const rows = Math.max(config.tokenTableRows, vocabularySize);
  const ids = g.input('input_ids', 'int32', ['batch', TOKENS]);
  const table = g.constant('float32', [rows, dim], weights.uniform(rows * dim, 1), 'token_embedding');
  const positions = g.constant('float32', [TOKENS, dim], weights.uniform(TOKENS * dim, 1), 'position_embedding');
  const embedded = g.op('Add', [g.op('Gather', [table, ids], { axis: { int: 0 } }), positions]);
  const hidden = layers.linear(layers.layerNorm(embedded, dim), dim, dim);
  g.output(hidden, 'last_hidden_state', 'float32', ['batch', TOKENS, dim]);
  return g;
}

async function editJson(path: string, edit: (value: Record<string, unknown>) => void): Promise<void> {
  const value = parsePythonJson(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(value);
  await writeJson(path, value);
}

/** Writes the model folder into `dir` (replaced): the demo model with its text encoder and UNet swapped. */
export async function writeSdShapedModel(dir: string, config: SdShapedConfig = SD_SHAPED): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await buildDemoModel(dir);
  for (const part of ['text_encoder', 'unet']) await rm(join(dir, part), { recursive: true, force: true });

  const vocabulary = Object.keys(JSON.parse(await readFile(join(dir, 'tokenizer', 'vocab.json'), 'utf8')) as object).length;
  await writeOnnxModel(join(dir, 'text_encoder'), buildSdShapedTextEncoder(config, vocabulary), { producer: PRODUCER, externalData: EXTERNAL });
  await writeOnnxModel(join(dir, 'unet'), buildSdShapedUnet(config), { producer: PRODUCER, externalData: EXTERNAL });
  await writeJson(join(dir, 'text_encoder', 'config.json'), {
    architectures: ['CLIPTextModel'],
    hidden_size: config.contextDim,
    max_position_embeddings: TOKENS,
    vocab_size: Math.max(config.tokenTableRows, vocabulary),
  });
  await writeJson(join(dir, 'unet', 'config.json'), {
    _class_name: 'UNet2DConditionModel',
    attention_head_dim: config.channels[0]! / config.heads,
    block_out_channels: config.channels,
    cross_attention_dim: config.contextDim,
    in_channels: LATENT_CHANNELS,
    layers_per_block: 1,
    out_channels: LATENT_CHANNELS,
    sample_size: config.latentSize,
  });
  await editJson(join(dir, 'model_index.json'), (index) => (index._name_or_path = 'bench-sd-shaped'));
  await writeFile(join(dir, 'BENCHMARK-MODEL.txt'), 'Random weights, built by bench/models/sd-shaped.ts: its images are noise.\n');
}
