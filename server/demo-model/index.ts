// Easel's demo model "easel-demo": a tiny, deterministic ONNX model in the SD 1.5 layout that draws what its
// prompt says — a coloured shape (at a position, of a size) over a coloured background.
//
// Conventions: latents the UNet sees are scaled (SD's `scaling_factor · z`); the pipeline divides by
// vae_decoder/config.json scaling_factor before decoding and multiplies the encoder's output by it (the VAE
// encoder returns the unscaled mean z, as diffusers' img2img expects). The decoder's output is clamped to
// [-1, 1]. The empty prompt draws mid-grey, so guidance extrapolates from grey and every demo colour
// (components 0, ½ or 1) survives any guidance ≥ 1. Timesteps are float32 [1]; ᾱ is interpolated linearly
// between integer steps.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeJson, writeOnnxModel } from '../onnx-build/model-files.js';
import { mergesTxt, vocabJson } from './clip-vocab.js';
import { demoConfigs } from './configs.js';
import { alphasCumprod, DEMO_SCHEDULER_CONFIG } from './noise-schedule.js';
import { buildTextEncoder } from './text-encoder.js';
import { buildUnet } from './unet.js';
import { buildVaeDecoder, buildVaeEncoder } from './vae.js';

export { DEMO_MODEL_NAME } from './configs.js';
export { demoTokenIds } from './clip-vocab.js';
export { alphaBarAt, alphasCumprod } from './noise-schedule.js';
export { demoLatent, renderDemoReference } from './reference.js';
export { VAE_SCALING_FACTOR } from './vae.js';
export { DEMO_BACKGROUND_WORDS, DEMO_COLOURS, DEMO_POSITIONS, DEMO_SHAPES, DEMO_SIZES, DEMO_WORDS } from './words.js';

const PRODUCER = 'easel-demo-model';

/** Writes the demo model folder into `dir` (created if missing). The same bytes every time. */
export async function buildDemoModel(dir: string): Promise<void> {
  for (const [path, value] of Object.entries(demoConfigs())) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeJson(join(dir, path), value);
  }
  await writeFile(join(dir, 'tokenizer', 'vocab.json'), vocabJson());
  await writeFile(join(dir, 'tokenizer', 'merges.txt'), mergesTxt());
  await writeOnnxModel(join(dir, 'text_encoder'), buildTextEncoder(), { producer: PRODUCER });
  // The ᾱ table is the UNet's only sizeable weight; it goes to model.onnx_data so loaders meet external data.
  await writeOnnxModel(join(dir, 'unet'), buildUnet(alphasCumprod(DEMO_SCHEDULER_CONFIG)), {
    producer: PRODUCER,
    externalData: { fileName: 'model.onnx_data', minBytes: 1024 },
  });
  await writeOnnxModel(join(dir, 'vae_decoder'), buildVaeDecoder(), { producer: PRODUCER });
  await writeOnnxModel(join(dir, 'vae_encoder'), buildVaeEncoder(), { producer: PRODUCER });
}
