// What a generation needs from the loaded model, prepared once at load: sessions by role, the tokenizer, the
// tensor dtypes, the scheduler config and the preview colours.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { EaselError } from '../../core/errors.js';
import { parsePythonJson } from '../../core/python-json.js';
import type { LoadedModel, ModelPart } from '../../core/ports.js';
import { ClipTokenizer } from '../../core/tokenizer/index.js';
import { readPipelineIo, type PipelineIo } from './pipeline-io.js';
import { latentRgbMap, type LatentRgbMap } from './preview.js';

export interface LoadedPipeline {
  model: LoadedModel;
  textEncoder: InferenceSession;
  /** SDXL's second encoder and its tokenizer (CLIP too, with its own pad token). */
  textEncoder2: InferenceSession | undefined;
  tokenizer2: ClipTokenizer | undefined;
  unet: InferenceSession;
  vaeDecoder: InferenceSession;
  vaeEncoder: InferenceSession | undefined;
  tokenizer: ClipTokenizer;
  io: PipelineIo;
  /** Undefined when the latents have no known colour map: progress then comes without previews. */
  preview: LatentRgbMap | undefined;
}

async function readText(root: string, relative: string, required: true): Promise<string>;
async function readText(root: string, relative: string, required: false): Promise<string | undefined>;
async function readText(root: string, relative: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(join(root, relative), 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EaselError('INVALID_MODEL', `${relative} is missing or unreadable in ${root}`, { cause: error });
  }
}

function session(sessions: ReadonlyMap<ModelPart, InferenceSession>, part: ModelPart): InferenceSession {
  const found = sessions.get(part);
  if (!found) throw new EaselError('INVALID_MODEL', `the runner has no open ${part} session`);
  return found;
}

/** The tokenizer's and the VAE's text files, read while the sessions open (their reads then cost the load nothing). */
export interface PipelineFiles {
  vocab: string;
  merges: string;
  tokenizerConfig: string | undefined;
  vaeConfig: string | undefined;
  /** tokenizer_2's files, in the SDXL layout. */
  tokenizer2?: { vocab: string; merges: string; config: string | undefined };
}

/** model-folder.ts has already checked that these files exist and that the configs parse. */
export async function readPipelineFiles(modelPath: string): Promise<PipelineFiles> {
  const [vocab, merges, tokenizerConfig, vaeConfig, vocab2, merges2, config2] = await Promise.all([
    readText(modelPath, 'tokenizer/vocab.json', true),
    readText(modelPath, 'tokenizer/merges.txt', true),
    readText(modelPath, 'tokenizer/tokenizer_config.json', false),
    readText(modelPath, 'vae_decoder/config.json', false),
    readText(modelPath, 'tokenizer_2/vocab.json', false),
    readText(modelPath, 'tokenizer_2/merges.txt', false),
    readText(modelPath, 'tokenizer_2/tokenizer_config.json', false),
  ]);
  const files: PipelineFiles = { vocab, merges, tokenizerConfig, vaeConfig };
  if (vocab2 !== undefined && merges2 !== undefined) files.tokenizer2 = { vocab: vocab2, merges: merges2, config: config2 };
  return files;
}

export function preparePipeline(files: PipelineFiles, sessions: ReadonlyMap<ModelPart, InferenceSession>, model: LoadedModel): LoadedPipeline {
  const tokenizer = ClipTokenizer.fromFiles(files.vocab, files.merges, files.tokenizerConfig);
  const vaeConfig = files.vaeConfig === undefined ? undefined : (parsePythonJson(files.vaeConfig) as Record<string, unknown>);
  return {
    model,
    textEncoder: session(sessions, 'text_encoder'),
    textEncoder2: sessions.get('text_encoder_2'),
    tokenizer2: files.tokenizer2 && ClipTokenizer.fromFiles(files.tokenizer2.vocab, files.tokenizer2.merges, files.tokenizer2.config),
    unet: session(sessions, 'unet'),
    vaeDecoder: session(sessions, 'vae_decoder'),
    vaeEncoder: sessions.get('vae_encoder'),
    tokenizer,
    io: readPipelineIo(model.parts),
    preview: latentRgbMap(vaeConfig, model.latentChannels),
  };
}
