// Writes small, deterministic Stable-Diffusion-shaped model folders (diffusers/optimum ONNX layout) for tests.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelPart } from '../../server/core/ports.js';
import { GraphBuilder, type Dim } from '../../server/onnx-build/graph-builder.js';
import { writeJson, writeOnnxModel } from '../../server/onnx-build/model-files.js';

export type FixturePiece = ModelPart | 'model_index' | 'scheduler' | 'tokenizer';

export interface TinyModelOptions {
  /** Leave this piece out of the folder. */
  omit?: FixturePiece;
  /** Write garbage bytes as this part's model.onnx. */
  corrupt?: ModelPart;
  /** Rename this part's output so it breaks the tensor contract. */
  wrongNames?: ModelPart;
  /** Give this part's main input a dtype the contract refuses (the graph itself stays valid). */
  wrongDtype?: ModelPart;
  /** A UNet whose InferenceSession.create takes seconds (thousands of chained nodes). */
  slow?: boolean;
}

const HIDDEN = 8;
const LATENT_CHANNELS = 4;
const SCALE = 8;
/** Chained Add nodes of the slow UNet: create() cost grows faster than linearly (8,000: 2.5–4.5 s on 2 busy cores). */
const SLOW_UNET_NODES = 8000;
/** ONNX TensorProto.DataType codes used by Cast. */
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

const MERGES = ['t h', 'th e</w>', 'a n', 'an d</w>', 'c a', 'ca t</w>'];

/** CLIP's byte-level alphabet: printable bytes stand for themselves, the rest are shifted past 255. */
function byteAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const chars: string[] = [];
  for (let b = 0; b < 256; b++) if (printable(b)) chars.push(String.fromCodePoint(b));
  let shifted = 0;
  for (let b = 0; b < 256; b++) if (!printable(b)) chars.push(String.fromCodePoint(256 + shifted++));
  return chars;
}

function tinyVocab(): Record<string, number> {
  const alphabet = byteAlphabet();
  const merged = MERGES.map((m) => m.replace(' ', ''));
  const tokens = [...alphabet, ...alphabet.map((c) => `${c}</w>`), ...merged, '<|startoftext|>', '<|endoftext|>'];
  return Object.fromEntries(tokens.map((token, id) => [token, id]));
}

const TINY_VOCAB_SIZE = Object.keys(tinyVocab()).length;

/** What readModelFolder should report for a tiny model. */
export const TINY_MODEL = {
  sampleSize: 8,
  latentChannels: LATENT_CHANNELS,
  vaeScaleFactor: SCALE,
  vaeScalingFactor: 0.18215,
  tokenizerMaxLength: 77,
} as const;

export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

function wave(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.5);
}

/** A float input, or (wrongDtype) an int32 one cast to float so the graph stays valid but breaks the contract. */
function floatInput(g: GraphBuilder, name: string, dims: Dim[], wrong: boolean): string {
  if (!wrong) return g.input(name, 'float32', dims);
  return g.op('Cast', [g.input(name, 'int32', dims)], { to: { int: ONNX_FLOAT } });
}

function textEncoder(o: TinyModelOptions): GraphBuilder {
  const g = new GraphBuilder('text_encoder');
  const wrong = o.wrongDtype === 'text_encoder';
  const ids = g.input('input_ids', wrong ? 'float32' : 'int32', ['batch', 'sequence']);
  const indices = wrong ? g.op('Cast', [ids], { to: { int: ONNX_INT64 } }) : ids;
  const table = g.constant('float32', [TINY_VOCAB_SIZE, HIDDEN], wave(TINY_VOCAB_SIZE * HIDDEN, 1), 'token_embedding');
  const hidden = g.op('Gather', [table, indices], { axis: { int: 0 } });
  const name = o.wrongNames === 'text_encoder' ? 'hidden_states' : 'last_hidden_state';
  g.output(hidden, name, 'float32', ['batch', 'sequence', HIDDEN]);
  return g;
}

/** out_sample = 0.5·sample + 0.01·mean(encoder_hidden_states) + 1e-4·timestep: cheap, and every input is used. */
function unet(o: TinyModelOptions): GraphBuilder {
  const g = new GraphBuilder('unet');
  const dims: Dim[] = ['batch', LATENT_CHANNELS, 'height', 'width'];
  let sample = floatInput(g, 'sample', dims, o.wrongDtype === 'unet');
  const timestep = g.input('timestep', 'int64', [1]);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', HIDDEN]);
  if (o.slow) {
    // Distinct non-zero constants escape no-op elimination and constant sharing, which would halve create()'s cost.
    for (let i = 0; i < SLOW_UNET_NODES; i++) {
      sample = g.op('Add', [sample, g.scalar((i % 2 === 0 ? 1e-3 : -1e-3) * (1 + i / SLOW_UNET_NODES))]);
    }
  }
  const scaled = g.op('Mul', [sample, g.scalar(0.5)]);
  const contextTerm = g.op('Mul', [g.op('ReduceMean', [context], { keepdims: { int: 0 } }), g.scalar(0.01)]);
  const t = g.op('Reshape', [g.op('Cast', [timestep], { to: { int: ONNX_FLOAT } }), g.ints([-1, 1, 1, 1])]);
  const timeTerm = g.op('Mul', [t, g.scalar(1e-4)]);
  const out = g.op('Add', [g.op('Add', [scaled, contextTerm]), timeTerm]);
  g.output(out, o.wrongNames === 'unet' ? 'noise_pred' : 'out_sample', 'float32', dims);
  return g;
}

function vaeDecoder(o: TinyModelOptions): GraphBuilder {
  const g = new GraphBuilder('vae_decoder');
  const latentDims: Dim[] = ['batch', LATENT_CHANNELS, 'latent_height', 'latent_width'];
  const latent = floatInput(g, 'latent_sample', latentDims, o.wrongDtype === 'vae_decoder');
  const scales = g.constant('float32', [4], [1, 1, SCALE, SCALE], 'scales');
  const up = g.op('Resize', [latent, '', scales], { mode: { string: 'nearest' } });
  const weight = g.constant('float32', [3, LATENT_CHANNELS, 1, 1], wave(3 * LATENT_CHANNELS, 2), 'rgb_weight');
  const image = g.op('Conv', [up, weight, g.constant('float32', [3], [0, 0, 0], 'rgb_bias')]);
  g.output(image, o.wrongNames === 'vae_decoder' ? 'image' : 'sample', 'float32', ['batch', 3, 'height', 'width']);
  return g;
}

function vaeEncoder(o: TinyModelOptions): GraphBuilder {
  const g = new GraphBuilder('vae_encoder');
  const image = floatInput(g, 'sample', ['batch', 3, 'height', 'width'], o.wrongDtype === 'vae_encoder');
  const window = { ints: [SCALE, SCALE] };
  const pooled = g.op('AveragePool', [image], { kernel_shape: window, strides: window });
  const weight = g.constant('float32', [LATENT_CHANNELS, 3, 1, 1], wave(LATENT_CHANNELS * 3, 3), 'latent_weight');
  const latent = g.op('Conv', [pooled, weight]);
  const name = o.wrongNames === 'vae_encoder' ? 'latents' : 'latent_sample';
  g.output(latent, name, 'float32', ['batch', LATENT_CHANNELS, 'latent_height', 'latent_width']);
  return g;
}

/** The tiny model has the SD 1.x layout: no text_encoder_2. */
type TinyPart = Exclude<ModelPart, 'text_encoder_2'>;

const GRAPHS: Record<TinyPart, (o: TinyModelOptions) => GraphBuilder> = {
  text_encoder: textEncoder,
  unet,
  vae_decoder: vaeDecoder,
  vae_encoder: vaeEncoder,
};

const vaeConfig = {
  _class_name: 'AutoencoderKL',
  block_out_channels: [HIDDEN, HIDDEN, HIDDEN, HIDDEN],
  in_channels: 3,
  out_channels: 3,
  latent_channels: LATENT_CHANNELS,
  sample_size: TINY_MODEL.sampleSize * SCALE,
  scaling_factor: TINY_MODEL.vaeScalingFactor,
};

const PART_CONFIGS: Record<TinyPart, Record<string, unknown>> = {
  text_encoder: {
    architectures: ['CLIPTextModel'],
    hidden_size: HIDDEN,
    max_position_embeddings: 77,
    vocab_size: TINY_VOCAB_SIZE,
  },
  unet: {
    _class_name: 'UNet2DConditionModel',
    sample_size: TINY_MODEL.sampleSize,
    in_channels: LATENT_CHANNELS,
    out_channels: LATENT_CHANNELS,
    cross_attention_dim: HIDDEN,
  },
  vae_decoder: vaeConfig,
  vae_encoder: vaeConfig,
};

async function writePart(dir: string, part: TinyPart, options: TinyModelOptions): Promise<void> {
  const partDir = join(dir, part);
  if (options.corrupt === part) {
    await mkdir(partDir, { recursive: true });
    await writeFile(join(partDir, 'model.onnx'), Buffer.from('this is not an ONNX model\n'.repeat(16)));
  } else {
    await writeOnnxModel(partDir, GRAPHS[part](options));
  }
  await writeJson(join(partDir, 'config.json'), PART_CONFIGS[part]);
}

async function writeTokenizer(dir: string): Promise<void> {
  const tokenizerDir = join(dir, 'tokenizer');
  await mkdir(tokenizerDir, { recursive: true });
  await writeJson(join(tokenizerDir, 'vocab.json'), tinyVocab());
  await writeFile(join(tokenizerDir, 'merges.txt'), `#version: 0.2\n${MERGES.join('\n')}\n`);
  const end = '<|endoftext|>';
  const special = { bos_token: '<|startoftext|>', eos_token: end, pad_token: end, unk_token: end };
  const config = { ...special, model_max_length: 77, do_lower_case: true, tokenizer_class: 'CLIPTokenizer' };
  await writeJson(join(tokenizerDir, 'tokenizer_config.json'), config);
  await writeJson(join(tokenizerDir, 'special_tokens_map.json'), special);
}

/** Writes a tiny model folder into `dir` (emptied first) and returns `dir`. */
export async function writeTinyModel(dir: string, options: TinyModelOptions = {}): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const component = (library: string, className: string): [string, string] => [library, className];
  if (options.omit !== 'model_index') {
    await writeJson(join(dir, 'model_index.json'), {
      _class_name: 'OnnxStableDiffusionPipeline',
      _diffusers_version: '0.30.0',
      scheduler: component('diffusers', 'PNDMScheduler'),
      tokenizer: component('transformers', 'CLIPTokenizer'),
      text_encoder: component('diffusers', 'OnnxRuntimeModel'),
      unet: component('diffusers', 'OnnxRuntimeModel'),
      vae_decoder: component('diffusers', 'OnnxRuntimeModel'),
      ...(options.omit === 'vae_encoder' ? {} : { vae_encoder: component('diffusers', 'OnnxRuntimeModel') }),
      safety_checker: [null, null],
      feature_extractor: [null, null],
      requires_safety_checker: false,
    });
  }
  if (options.omit !== 'scheduler') {
    await mkdir(join(dir, 'scheduler'), { recursive: true });
    await writeJson(join(dir, 'scheduler', 'scheduler_config.json'), SD15_SCHEDULER_CONFIG);
  }
  if (options.omit !== 'tokenizer') await writeTokenizer(dir);
  for (const part of Object.keys(GRAPHS) as TinyPart[]) {
    if (options.omit !== part) await writePart(dir, part, options);
  }
  return dir;
}
