// The JSON files of the demo model folder, shaped like an SD 1.5 ONNX export's.
import { DEMO_VOCABULARY, END_TOKEN, MAX_TOKENS, START_TOKEN } from './clip-vocab.js';
import { DEMO_SCHEDULER_CONFIG } from './noise-schedule.js';
import { HIDDEN } from './text-encoder.js';
import { DEFAULT_DEMO_VARIANT, demoSchedulerConfig, type DemoVariant } from './variants.js';
import { withXlLayout } from './xl-configs.js';
import { LATENT_CHANNELS, latentWeight, VAE_SCALING_FACTOR } from './vae.js';

export const DEMO_MODEL_NAME = 'easel-demo';
const DIFFUSERS_VERSION = DEMO_SCHEDULER_CONFIG._diffusers_version;

const specialToken = (content: string) => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false });

/** vae.ts's DECODER_BIAS: a quarter of an 8-bit level, per colour. */
const DECODER_BIAS = 1 / 510;

const vaeConfig = {
  _class_name: 'AutoencoderKL',
  _diffusers_version: DIFFUSERS_VERSION,
  act_fn: 'silu',
  block_out_channels: [128, 256, 512, 512],
  down_block_types: Array(4).fill('DownEncoderBlock2D'),
  in_channels: 3,
  latent_channels: LATENT_CHANNELS,
  // The decoder's exact linear map on scaled latents (before upsampling), for the runner's progress previews.
  latent_rgb_bias: [DECODER_BIAS, DECODER_BIAS, DECODER_BIAS],
  latent_rgb_factors: Array.from({ length: LATENT_CHANNELS }, (_, j) => [0, 1, 2].map((c) => latentWeight(j, c))),
  layers_per_block: 2,
  norm_num_groups: 32,
  out_channels: 3,
  sample_size: 512,
  scaling_factor: VAE_SCALING_FACTOR,
  up_block_types: Array(4).fill('UpDecoderBlock2D'),
};

/** Relative path → JSON value, for every JSON file of the model folder. */
export function demoConfigs(variant: DemoVariant = DEFAULT_DEMO_VARIANT): Record<string, unknown> {
  const vocabSize = DEMO_VOCABULARY.tokens.length;
  const schedulerConfig = demoSchedulerConfig(variant);
  const vae = { ...vaeConfig, sample_size: variant.sampleSize * 8 };
  const configs: Record<string, Record<string, unknown>> = {
    'model_index.json': {
      _class_name: 'OnnxStableDiffusionPipeline',
      _diffusers_version: DIFFUSERS_VERSION,
      _name_or_path: variant.name,
      feature_extractor: [null, null],
      requires_safety_checker: false,
      safety_checker: [null, null],
      scheduler: ['diffusers', schedulerConfig._class_name],
      text_encoder: ['diffusers', 'OnnxRuntimeModel'],
      tokenizer: ['transformers', 'CLIPTokenizer'],
      unet: ['diffusers', 'OnnxRuntimeModel'],
      vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
      vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
    },
    'scheduler/scheduler_config.json': schedulerConfig,
    'text_encoder/config.json': {
      architectures: ['CLIPTextModel'],
      bos_token_id: vocabSize - 2,
      eos_token_id: vocabSize - 1,
      hidden_act: 'quick_gelu',
      hidden_size: HIDDEN.width,
      intermediate_size: 4 * HIDDEN.width,
      max_position_embeddings: MAX_TOKENS,
      model_type: 'clip_text_model',
      num_attention_heads: 1,
      num_hidden_layers: 1,
      pad_token_id: vocabSize - 1,
      projection_dim: HIDDEN.width,
      torch_dtype: variant.dtype,
      vocab_size: vocabSize,
    },
    'tokenizer/tokenizer_config.json': {
      add_prefix_space: false,
      bos_token: specialToken(START_TOKEN),
      clean_up_tokenization_spaces: true,
      do_lower_case: true,
      eos_token: specialToken(END_TOKEN),
      errors: 'replace',
      model_max_length: MAX_TOKENS,
      pad_token: END_TOKEN,
      tokenizer_class: 'CLIPTokenizer',
      unk_token: specialToken(END_TOKEN),
    },
    'tokenizer/special_tokens_map.json': {
      bos_token: specialToken(START_TOKEN),
      eos_token: specialToken(END_TOKEN),
      pad_token: END_TOKEN,
      unk_token: specialToken(END_TOKEN),
    },
    'unet/config.json': {
      _class_name: 'UNet2DConditionModel',
      _diffusers_version: DIFFUSERS_VERSION,
      attention_head_dim: 8,
      block_out_channels: [320, 640, 1280, 1280],
      cross_attention_dim: HIDDEN.width,
      in_channels: LATENT_CHANNELS,
      layers_per_block: 2,
      out_channels: LATENT_CHANNELS,
      sample_size: variant.sampleSize,
    },
    'vae_decoder/config.json': vae,
    'vae_encoder/config.json': vae,
  };
  return variant.layout === 'xl' ? withXlLayout(configs) : configs;
}
