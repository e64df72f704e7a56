// The JSON files that turn the demo folder into the SDXL layout optimum exports: text_encoder_2 and tokenizer_2,
// a UNet config with SDXL's added "text_time" conditioning, and SDXL's VAE scaling factor.
import { HIDDEN } from './text-encoder.js';

/** SDXL's VAE scaling_factor; easel-demo-xl's VAE graphs are built for it. */
export const XL_VAE_SCALING_FACTOR = 0.13025;

type Configs = Record<string, Record<string, unknown>>;

export function withXlLayout(sd: Configs): Configs {
  const vae = { ...sd['vae_decoder/config.json'], scaling_factor: XL_VAE_SCALING_FACTOR, force_upcast: true };
  return {
    ...sd,
    'model_index.json': {
      ...sd['model_index.json'],
      _class_name: 'StableDiffusionXLPipeline',
      force_zeros_for_empty_prompt: true,
      text_encoder: ['transformers', 'CLIPTextModel'],
      text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
      tokenizer_2: ['transformers', 'CLIPTokenizer'],
    },
    'text_encoder/config.json': { ...sd['text_encoder/config.json'], num_hidden_layers: 2 },
    'text_encoder_2/config.json': {
      ...sd['text_encoder/config.json'],
      architectures: ['CLIPTextModelWithProjection'],
      hidden_act: 'gelu',
      num_hidden_layers: 2,
      projection_dim: HIDDEN.width,
    },
    'tokenizer_2/tokenizer_config.json': sd['tokenizer/tokenizer_config.json']!,
    'tokenizer_2/special_tokens_map.json': sd['tokenizer/special_tokens_map.json']!,
    'unet/config.json': {
      ...sd['unet/config.json'],
      addition_embed_type: 'text_time',
      addition_time_embed_dim: 256,
      cross_attention_dim: 2 * HIDDEN.width,
      projection_class_embeddings_input_dim: HIDDEN.width + 6 * 256,
    },
    'vae_decoder/config.json': vae,
    'vae_encoder/config.json': vae,
  };
}
