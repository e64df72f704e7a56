// The benchmark's SDXL-shaped model "bench-sdxl-shaped": easel-demo-xl's tokenizers, scheduler and VAE (scaling
// 0.13025) with two CLIP-sized text encoders (768 and 1280 wide, hidden_states.N outputs, the second with a
// projected text_embeds) and an SD-shaped UNet reading their 2048-wide concatenation, text_embeds and time_ids.
// Seeded random weights: its images are noise; its shapes and cost are what the benchmark needs.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_VOCABULARY } from '../../server/demo-model/clip-vocab.js';
import { buildDemoModel, DEMO_VARIANTS } from '../../server/demo-model/index.js';
import { GraphBuilder } from '../../server/onnx-build/graph-builder.js';
import { writeJson, writeOnnxModel } from '../../server/onnx-build/model-files.js';
import { WeightSource } from './random-weights.js';
import { buildSdShapedUnet, type SdShapedConfig } from './sd-shaped.js';
import { UnetLayers } from './unet-layers.js';

export interface SdxlShapedConfig extends SdShapedConfig {
  /** Widths of text_encoder (CLIP ViT-L) and text_encoder_2 (OpenCLIP ViT-bigG); the UNet reads their sum. */
  encoderDims: [number, number];
  /** text_encoder_2's projection, SDXL's pooled text embedding. */
  pooledDim: number;
}

/** SDXL's widths on the SD-shaped UNet's size class, with SDXL's attention only on the lower-resolution levels. */
export const SDXL_SHAPED: SdxlShapedConfig = {
  latentSize: 32,
  channels: [64, 128, 128],
  attentionLevels: [1, 2],
  heads: 4,
  contextDim: 768 + 1280,
  encoderDims: [768, 1280],
  pooledDim: 1280,
  tokenTableRows: 49408,
  seed: 20250707,
};

const TOKENS = 77;
const LAYERS = 2;
const PRODUCER = 'easel-bench';
const EXTERNAL = { fileName: 'model.onnx_data', minBytes: 1024 * 1024 };

/** Token and position tables, then LAYERS projections; every layer is an output, as an export with hidden states has. */
function buildSdxlShapedTextEncoder(config: SdxlShapedConfig, which: 0 | 1, vocabularySize: number): GraphBuilder {
  const g = new GraphBuilder(which === 0 ? 'bench_sdxl_shaped_text_encoder' : 'bench_sdxl_shaped_text_encoder_2');
  const weights = new WeightSource(config.seed + 1 + which);
  const layers = new UnetLayers(g, weights);
  const dim = config.encoderDims[which];
  const rows = Math.max(config.tokenTableRows, vocabularySize);
  const ids = g.input('input_ids', 'int32', ['batch', TOKENS]);
  const table = g.constant('float32', [rows, dim], weights.uniform(rows * dim, 1), 'token_embedding');
  const positions = g.constant('float32', [TOKENS, dim], weights.uniform(TOKENS * dim, 1), 'position_embedding');
  let hidden = g.op('Add', [g.op('Gather', [table, ids], { axis: { int: 0 } }), positions]);
  const dims = ['batch', TOKENS, dim];
  g.output(hidden, 'hidden_states.0', 'float32', dims);
  for (let layer = 1; layer <= LAYERS; layer++) {
    hidden = layers.linear(layers.layerNorm(hidden, dim), dim, dim);
    g.output(hidden, `hidden_states.${layer}`, 'float32', dims);
  }
  g.output(hidden, 'last_hidden_state', 'float32', dims);
  // ReduceSum takes its axes as an input at opset 17 (ReduceMean only from 18): a sum scaled to the mean.
  const pooled = g.op('Mul', [g.op('ReduceSum', [hidden, g.ints([1])], { keepdims: { int: 0 } }), g.scalar(1 / TOKENS)]);
  if (which === 0) g.output(pooled, 'pooler_output', 'float32', ['batch', dim]);
  else g.output(layers.linear(pooled, dim, config.pooledDim, false), 'text_embeds', 'float32', ['batch', config.pooledDim]);
  return g;
}

/** Writes the model folder into `dir` (replaced). */
export async function writeSdxlShapedModel(dir: string, config: SdxlShapedConfig = SDXL_SHAPED): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await buildDemoModel(dir, DEMO_VARIANTS['easel-demo-xl']);
  const vocabulary = DEMO_VOCABULARY.tokens.length;
  for (const [which, part] of [[0, 'text_encoder'], [1, 'text_encoder_2']] as const) {
    await writeOnnxModel(join(dir, part), buildSdxlShapedTextEncoder(config, which, vocabulary), { producer: PRODUCER, externalData: EXTERNAL });
    await writeJson(join(dir, part, 'config.json'), {
      architectures: [which === 0 ? 'CLIPTextModel' : 'CLIPTextModelWithProjection'],
      hidden_size: config.encoderDims[which],
      max_position_embeddings: TOKENS,
      num_hidden_layers: LAYERS,
      ...(which === 1 ? { projection_dim: config.pooledDim } : {}),
      vocab_size: Math.max(config.tokenTableRows, vocabulary),
    });
  }
  await rm(join(dir, 'unet'), { recursive: true, force: true });
  await writeOnnxModel(join(dir, 'unet'), buildSdShapedUnet(config), { producer: PRODUCER, externalData: EXTERNAL });
  await writeJson(join(dir, 'unet', 'config.json'), {
    _class_name: 'UNet2DConditionModel',
    addition_embed_type: 'text_time',
    addition_time_embed_dim: 256,
    attention_head_dim: config.channels[0]! / config.heads,
    block_out_channels: config.channels,
    cross_attention_dim: config.contextDim,
    in_channels: 4,
    layers_per_block: 1,
    out_channels: 4,
    projection_class_embeddings_input_dim: config.pooledDim + 6 * 256,
    sample_size: config.latentSize,
  });
  await writeFile(join(dir, 'BENCHMARK-MODEL.txt'), 'Random weights, built by bench/models/sdxl-shaped.ts: its images are noise.\n');
}
