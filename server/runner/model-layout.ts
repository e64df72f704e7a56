// Tells the SD (one text encoder) and SDXL (text_encoder_2 + tokenizer_2) folder layouts apart, and refuses a
// folder that mixes them, naming the file and key at fault. The UNet's inputs are checked against it in pipeline-io.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EaselError } from '../core/errors.js';
import type { ModelPart } from '../core/ports.js';
import { checkConfigFile } from './config-file.js';

type Json = Record<string, unknown>;

export interface ModelLayout {
  xl: boolean;
  /** SDXL only: model_index.json force_zeros_for_empty_prompt (diffusers' default: true). */
  forceZerosForEmptyPrompt?: boolean;
}

/** SDXL's VAE (and so its folders without a scaling_factor) uses 0.13025 where SD 1.x and 2.x use 0.18215. */
export const SDXL_VAE_SCALING_FACTOR = 0.13025;

const XL_TOKENIZER_FILES = ['tokenizer_2/vocab.json', 'tokenizer_2/merges.txt'];

function mixed(message: string, file: string, key: string): EaselError {
  return new EaselError('INVALID_MODEL', `${message} — this folder mixes the SD and SDXL layouts`, { details: { file, key } });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A model_index.json component entry that names a class ([library, class]) rather than [null, null]. */
function listsComponent(modelIndex: Json, key: string): boolean {
  const entry = modelIndex[key];
  return Array.isArray(entry) && entry.some((v) => typeof v === 'string');
}

export async function readLayout(root: string, modelIndex: Json, parts: readonly ModelPart[]): Promise<ModelLayout> {
  const xl = parts.includes('text_encoder_2');
  const tokenizer2 = await Promise.all(XL_TOKENIZER_FILES.map((file) => exists(join(root, file))));
  if (xl !== listsComponent(modelIndex, 'text_encoder_2')) {
    throw xl
      ? mixed('text_encoder_2/model.onnx is present but model_index.json lists no "text_encoder_2"', 'model_index.json', 'text_encoder_2')
      : mixed('model_index.json lists "text_encoder_2" but text_encoder_2/model.onnx is missing', 'model_index.json', 'text_encoder_2');
  }
  if (!xl) {
    if (tokenizer2.some(Boolean)) throw mixed('tokenizer_2/ is present without text_encoder_2/model.onnx', 'tokenizer_2/vocab.json', 'tokenizer_2');
    return { xl };
  }
  for (const file of XL_TOKENIZER_FILES) await checkConfigFile(root, file);
  const forceZeros = modelIndex.force_zeros_for_empty_prompt ?? true;
  if (typeof forceZeros !== 'boolean') {
    throw new EaselError('INVALID_MODEL', `model_index.json key "force_zeros_for_empty_prompt" must be true or false, got ${JSON.stringify(forceZeros)}`, {
      details: { file: 'model_index.json', key: 'force_zeros_for_empty_prompt' },
    });
  }
  return { xl, forceZerosForEmptyPrompt: forceZeros };
}
