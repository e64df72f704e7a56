// The demo model's variants, as data: the SD 1.x-style original, an SD 2.x-style v-prediction model with a native
// size of 768, the SDXL-layout easel-demo-xl, and an fp16 build of each (float16 inputs and outputs on every part).
import { DEMO_SCHEDULER_CONFIG } from './noise-schedule.js';

export type DemoPrediction = 'epsilon' | 'v_prediction';

export interface DemoVariant {
  readonly name: string;
  /** 'xl': the SDXL layout (text_encoder_2, tokenizer_2, text_embeds and time_ids, VAE scaling 0.13025). */
  readonly layout: 'sd' | 'xl';
  readonly prediction: DemoPrediction;
  /** The UNet's latent side: 64 (512 px) like SD 1.x, 96 (768 px) like SD 2.x. */
  readonly sampleSize: number;
  /** The type of every float tensor the parts take and give. */
  readonly dtype: 'float32' | 'float16';
}

export const DEMO_VARIANTS = {
  'easel-demo': { name: 'easel-demo', layout: 'sd', prediction: 'epsilon', sampleSize: 64, dtype: 'float32' },
  'easel-demo-v': { name: 'easel-demo-v', layout: 'sd', prediction: 'v_prediction', sampleSize: 96, dtype: 'float32' },
  'easel-demo-xl': { name: 'easel-demo-xl', layout: 'xl', prediction: 'epsilon', sampleSize: 128, dtype: 'float32' },
  'easel-demo-fp16': { name: 'easel-demo-fp16', layout: 'sd', prediction: 'epsilon', sampleSize: 64, dtype: 'float16' },
  'easel-demo-v-fp16': { name: 'easel-demo-v-fp16', layout: 'sd', prediction: 'v_prediction', sampleSize: 96, dtype: 'float16' },
  'easel-demo-xl-fp16': { name: 'easel-demo-xl-fp16', layout: 'xl', prediction: 'epsilon', sampleSize: 128, dtype: 'float16' },
} as const satisfies Record<string, DemoVariant>;

export const DEFAULT_DEMO_VARIANT: DemoVariant = DEMO_VARIANTS['easel-demo'];

/** SD 1.5's scheduler config, SDXL's (Euler) for the SDXL layout, or SD 2.1's (DDIM, v_prediction). */
export function demoSchedulerConfig(variant: DemoVariant): Record<string, unknown> {
  if (variant.layout === 'xl') {
    return { ...DEMO_SCHEDULER_CONFIG, _class_name: 'EulerDiscreteScheduler', interpolation_type: 'linear', use_karras_sigmas: false };
  }
  if (variant.prediction === 'epsilon') return DEMO_SCHEDULER_CONFIG;
  return { ...DEMO_SCHEDULER_CONFIG, _class_name: 'DDIMScheduler', prediction_type: 'v_prediction' };
}
