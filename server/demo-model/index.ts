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
import { DEFAULT_DEMO_VARIANT, type DemoVariant } from './variants.js';
import { buildVaeDecoder, buildVaeEncoder, VAE_SCALING_FACTOR } from './vae.js';
import { buildXlTextEncoder } from './xl.js';
import { XL_VAE_SCALING_FACTOR } from './xl-configs.js';

export { DEMO_MODEL_NAME } from './configs.js';
export { demoTokenIds } from './clip-vocab.js';
export { alphaBarAt, alphasCumprod } from './noise-schedule.js';
export { demoLatent, renderDemoReference } from './reference.js';
export { DEMO_VARIANTS, type DemoVariant } from './variants.js';
export { VAE_SCALING_FACTOR } from './vae.js';
export { DEMO_BACKGROUND_WORDS, DEMO_COLOURS, DEMO_POSITIONS, DEMO_SHAPES, DEMO_SIZES, DEMO_WORDS } from './words.js';

const PRODUCER = 'easel-demo-model';

/** Writes the demo model folder (`easel-demo`, or another variant) into `dir`, created if missing. The same bytes every time. */
export async function buildDemoModel(dir: string, variant: DemoVariant = DEFAULT_DEMO_VARIANT): Promise<void> {
  const float16Io = variant.dtype === 'float16';
  for (const [path, value] of Object.entries(demoConfigs(variant))) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeJson(join(dir, path), value);
  }
  const xl = variant.layout === 'xl';
  for (const tokenizer of xl ? ['tokenizer', 'tokenizer_2'] : ['tokenizer']) {
    await writeFile(join(dir, tokenizer, 'vocab.json'), vocabJson());
    await writeFile(join(dir, tokenizer, 'merges.txt'), mergesTxt());
  }
  const options = { producer: PRODUCER, float16Io };
  if (xl) {
    await writeOnnxModel(join(dir, 'text_encoder'), buildXlTextEncoder('first'), options);
    await writeOnnxModel(join(dir, 'text_encoder_2'), buildXlTextEncoder('second'), options);
  } else {
    await writeOnnxModel(join(dir, 'text_encoder'), buildTextEncoder(), options);
  }
  // The ᾱ table is the UNet's only sizeable weight; it goes to model.onnx_data so loaders meet external data.
  await writeOnnxModel(join(dir, 'unet'), buildUnet(alphasCumprod(DEMO_SCHEDULER_CONFIG), variant.prediction, xl), {
    ...options,
    externalData: { fileName: 'model.onnx_data', minBytes: 1024 },
  });
  const scaling = xl ? XL_VAE_SCALING_FACTOR : VAE_SCALING_FACTOR;
  await writeOnnxModel(join(dir, 'vae_decoder'), buildVaeDecoder(scaling), options);
  await writeOnnxModel(join(dir, 'vae_encoder'), buildVaeEncoder(scaling), options);
}
