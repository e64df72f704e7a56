// Reads and validates a model folder in the diffusers/optimum ONNX layout (DESIGN.md §4) before any session opens.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EaselError } from '../core/errors.js';
import { parsePythonJson } from '../core/python-json.js';
import { predictionTypeOf, samplingDefaultsOf } from './model-family.js';
import { readLayout, SDXL_VAE_SCALING_FACTOR } from './model-layout.js';
import { checkConfigFile, readConfigText } from './config-file.js';
import { MODEL_PARTS, type ModelDescription, type ModelPart } from '../core/ports.js';

const REQUIRED_PARTS: readonly ModelPart[] = ['text_encoder', 'unet', 'vae_decoder'];
const DEFAULT_VAE_SCALING_FACTOR = 0.18215;
const DEFAULT_VAE_SCALE_FACTOR = 8;
const DEFAULT_LATENT_CHANNELS = 4;
const DEFAULT_TOKENIZER_MAX_LENGTH = 77;
/** transformers writes a huge sentinel (1e30) as model_max_length when a tokenizer has no real limit. */
const SANE_TOKENIZER_MAX_LENGTH = 1024;

export type ModelConfig = Omit<ModelDescription, 'parts'>;

export interface ModelFolder {
  path: string;
  /** The parts present, in load order. */
  parts: ModelPart[];
  /** Absolute path of each present part's model.onnx. */
  files: Partial<Record<ModelPart, string>>;
  config: ModelConfig;
}

type Json = Record<string, unknown>;

function invalid(message: string, cause?: unknown): EaselError {
  return new EaselError('INVALID_MODEL', message, cause === undefined ? undefined : { cause });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readJson(root: string, relative: string, required: boolean): Promise<Json | undefined> {
  const text = await readConfigText(root, relative, required);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (error) {
    throw invalid(`${relative} is not valid JSON: ${(error as Error).message}`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${relative} must hold a JSON object`);
  return value as Json;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function requiredPositiveInteger(config: Json, key: string, file: string): number {
  const value = positiveInteger(config[key]);
  if (value === undefined) throw invalid(`${file} ${key} must be a positive integer (found ${JSON.stringify(config[key])})`);
  return value;
}

function optionalPositiveInteger(config: Json | undefined, key: string, file: string, fallback: number): number {
  if (config?.[key] === undefined) return fallback;
  return requiredPositiveInteger(config, key, file);
}

function vaeScalingFactor(config: Json | undefined, xl: boolean): number {
  const value = config?.scaling_factor;
  if (value === undefined) return xl ? SDXL_VAE_SCALING_FACTOR : DEFAULT_VAE_SCALING_FACTOR;
  if (typeof value !== 'number' || !(value > 0)) {
    throw invalid(`vae_decoder/config.json scaling_factor must be a positive number (found ${JSON.stringify(value)})`);
  }
  return value;
}

function vaeScaleFactor(config: Json | undefined): number {
  const channels = config?.block_out_channels;
  if (channels === undefined) return DEFAULT_VAE_SCALE_FACTOR;
  if (!Array.isArray(channels) || channels.length === 0) {
    throw invalid('vae_decoder/config.json block_out_channels must be a non-empty list');
  }
  return 2 ** (channels.length - 1);
}

function tokenizerMaxLength(tokenizerConfig: Json | undefined, textEncoderConfig: Json | undefined): number {
  const fromTokenizer = positiveInteger(tokenizerConfig?.model_max_length);
  if (fromTokenizer !== undefined && fromTokenizer <= SANE_TOKENIZER_MAX_LENGTH) return fromTokenizer;
  return positiveInteger(textEncoderConfig?.max_position_embeddings) ?? DEFAULT_TOKENIZER_MAX_LENGTH;
}

async function findParts(root: string): Promise<Pick<ModelFolder, 'parts' | 'files'>> {
  const parts: ModelPart[] = [];
  const files: Partial<Record<ModelPart, string>> = {};
  const present = await Promise.all(MODEL_PARTS.map((part) => isFile(join(root, part, 'model.onnx'))));
  for (const [index, part] of MODEL_PARTS.entries()) {
    const file = join(root, part, 'model.onnx');
    if (present[index]) {
      parts.push(part);
      files[part] = file;
    } else if (REQUIRED_PARTS.includes(part)) {
      throw invalid(`${part}/model.onnx is missing in ${root}`);
    }
  }
  return { parts, files };
}

/**
 * Awaits every promise at once (each small file read is several thread-pool trips; one after another they added
 * up to a noticeable part of a small model's load) and then throws the first failure in list order, so the error
 * named is the same whichever finished first.
 */
async function allInOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Checks the layout and reads the configs; opening the ONNX files is left to the runner's sessions. */
export async function readModelFolder(path: string): Promise<ModelFolder> {
  let folder;
  try {
    folder = await stat(path);
  } catch (error) {
    throw invalid(`model folder ${path} does not exist or cannot be read`, error);
  }
  if (!folder.isDirectory()) throw invalid(`model path ${path} is not a folder`);

  const [modelIndex, schedulerConfig, , , { parts, files }, unetConfig, vaeConfig, tokenizerConfig, textEncoderConfig] = await allInOrder([
    readJson(path, 'model_index.json', true),
    readJson(path, 'scheduler/scheduler_config.json', true),
    checkConfigFile(path, 'tokenizer/vocab.json'),
    checkConfigFile(path, 'tokenizer/merges.txt'),
    findParts(path),
    readJson(path, 'unet/config.json', true),
    readJson(path, 'vae_decoder/config.json', false),
    readJson(path, 'tokenizer/tokenizer_config.json', false),
    readJson(path, 'text_encoder/config.json', false),
  ] as const);
  const layout = await readLayout(path, modelIndex!, parts);

  return {
    path,
    parts,
    files,
    config: {
      sampleSize: requiredPositiveInteger(unetConfig!, 'sample_size', 'unet/config.json'),
      latentChannels: optionalPositiveInteger(unetConfig, 'in_channels', 'unet/config.json', DEFAULT_LATENT_CHANNELS),
      vaeScaleFactor: vaeScaleFactor(vaeConfig),
      vaeScalingFactor: vaeScalingFactor(vaeConfig, layout.xl),
      tokenizerMaxLength: tokenizerMaxLength(tokenizerConfig, textEncoderConfig),
      hasVaeEncoder: parts.includes('vae_encoder'),
      schedulerConfig: schedulerConfig!,
      predictionType: predictionTypeOf(schedulerConfig!),
      samplingDefaults: samplingDefaultsOf(modelIndex, schedulerConfig!),
      ...(layout.forceZerosForEmptyPrompt === undefined ? {} : { forceZerosForEmptyPrompt: layout.forceZerosForEmptyPrompt }),
    },
  };
}
