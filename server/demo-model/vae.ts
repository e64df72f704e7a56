// The demo VAE. Decoder: a fixed 4→3 linear map plus bias, bilinear ×8 upsampling, clamp to [-1, 1]. Encoder:
// 8×8 average pooling and the inverse map, so decoder(encoder(image)) is the image blurred to latent resolution.
// Convention (as diffusers): the encoder returns the unscaled latent z and the pipeline multiplies it by
// scaling_factor; the UNet works on scaled latents, which the pipeline divides by scaling_factor before
// decoding. A scaled latent is LATENT_TO_RGBᵀ · rgb, of order 1 like SD's scaled latents.
import { GraphBuilder } from '../onnx-build/graph-builder.js';

export const VAE_SCALING_FACTOR = 0.18215;
export const VAE_SCALE = 8;
export const LATENT_CHANNELS = 4;

/** Rows: R, G, B over the 4 latent channels. Orthonormal rows (three rows of a Hadamard matrix / 2), so the
 * decoder passes latent noise to the image without amplifying it. */
const LATENT_TO_RGB = [
  [0.5, -0.5, 0.5, -0.5],
  [0.5, 0.5, -0.5, -0.5],
  [0.5, -0.5, -0.5, 0.5],
] as const;

/** A quarter of an 8-bit level: mid-grey decodes to 127.75 (rounded to 128) and black to 0.25 (0), so
 * SD's rounding never sits on a tie and the demo colours come out exact. */
const DECODER_BIAS = 1 / 510;

/** Weight of latent channel j in image channel c; as the rows are orthonormal, also of c in j. */
export function latentWeight(j: number, c: number): number {
  return LATENT_TO_RGB[c]![j]!;
}

/** `scalingFactor`: the config's scaling_factor (SD's 0.18215 by default, SDXL's 0.13025 for easel-demo-xl). */
export function buildVaeDecoder(scalingFactor = VAE_SCALING_FACTOR): GraphBuilder {
  const g = new GraphBuilder('easel_demo_vae_decoder');
  const latent = g.input('latent_sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  const weight = g.constant('float32', [3, LATENT_CHANNELS, 1, 1], LATENT_TO_RGB.flat().map((v) => v * scalingFactor), 'decoder_weight');
  const rgb = g.op('Conv', [latent, weight, g.constant('float32', [3], [DECODER_BIAS, DECODER_BIAS, DECODER_BIAS], 'decoder_bias')]);
  const upsampled = g.op('Resize', [rgb, '', g.constant('float32', [4], [1, 1, VAE_SCALE, VAE_SCALE], 'scales')], {
    mode: { string: 'linear' },
    coordinate_transformation_mode: { string: 'half_pixel' },
  });
  const clamped = g.op('Clip', [upsampled, g.scalar(-1), g.scalar(1)]);
  g.output(clamped, 'sample', 'float32', ['batch', 3, 'image_height', 'image_width']);
  return g;
}

export function buildVaeEncoder(scalingFactor = VAE_SCALING_FACTOR): GraphBuilder {
  const g = new GraphBuilder('easel_demo_vae_encoder');
  const image = g.input('sample', 'float32', ['batch', 3, 'image_height', 'image_width']);
  const pooled = g.op('AveragePool', [image], {
    kernel_shape: { ints: [VAE_SCALE, VAE_SCALE] },
    strides: { ints: [VAE_SCALE, VAE_SCALE] },
  });
  const transposed = [0, 1, 2, 3].flatMap((j) => [0, 1, 2].map((c) => latentWeight(j, c) / scalingFactor));
  const bias = [0, 1, 2, 3].map((j) => -[0, 1, 2].reduce((sum, c) => sum + latentWeight(j, c) * DECODER_BIAS, 0) / scalingFactor);
  const latent = g.op('Conv', [
    pooled,
    g.constant('float32', [LATENT_CHANNELS, 3, 1, 1], transposed, 'encoder_weight'),
    g.constant('float32', [LATENT_CHANNELS], bias, 'encoder_bias'),
  ]);
  g.output(latent, 'latent_sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  return g;
}

/** Source sample and weights for half-pixel bilinear resizing, clamped at the edges as onnxruntime does. */
function bilinearTaps(out: number, inSize: number): [number, number, number, number] {
  const x = Math.min(Math.max((out + 0.5) / VAE_SCALE - 0.5, 0), inSize - 1);
  const lo = Math.min(Math.floor(x), inSize - 1);
  const hi = Math.min(lo + 1, inSize - 1);
  if (lo === hi) return [lo, hi, 0.5, 0.5];
  return [lo, hi, hi - x, x - lo];
}

/** What the decoder graph plus SD post-processing ((x/2 + 0.5).clamp(0, 1)·255, rounded) make of scaled
 * latents [4 × h × w]: an RGB image, HWC, of 8h × 8w pixels. */
export function decodeScaledLatent(latent: Float64Array, height: number, width: number): Uint8Array {
  const plane = height * width;
  const low = new Float64Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      let sum = DECODER_BIAS;
      for (let j = 0; j < LATENT_CHANNELS; j++) sum += latentWeight(j, c) * VAE_SCALING_FACTOR * (latent[j * plane + p]! / VAE_SCALING_FACTOR);
      low[c * plane + p] = sum;
    }
  }
  const outH = height * VAE_SCALE;
  const outW = width * VAE_SCALE;
  const rgb = new Uint8Array(outH * outW * 3);
  for (let y = 0; y < outH; y++) {
    const [y0, y1, wy0, wy1] = bilinearTaps(y, height);
    for (let x = 0; x < outW; x++) {
      const [x0, x1, wx0, wx1] = bilinearTaps(x, width);
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => low[c * plane + yy * width + xx]!;
        const v = wy0 * (wx0 * at(y0, x0) + wx1 * at(y0, x1)) + wy1 * (wx0 * at(y1, x0) + wx1 * at(y1, x1));
        const unit = Math.min(Math.max(Math.min(Math.max(v, -1), 1) / 2 + 0.5, 0), 1);
        rgb[(y * outW + x) * 3 + c] = Math.round(unit * 255);
      }
    }
  }
  return rgb;
}
