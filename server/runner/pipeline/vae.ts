// The VAE ends of the pipeline: scaled latents → an image, and an image → scaled latents for image-to-image.
import { EaselError } from '../../core/errors.js';
import type { LoadedPipeline } from './loaded-pipeline.js';
import type { RunClock } from './run-clock.js';
import { floatTensor, readFloats } from './tensor-dtypes.js';

/**
 * The image [3 × height × width] in about [-1, 1] that the scaled latents [1, C, h, w] stand for; they are divided
 * by scaling_factor first.
 */
export async function decodeLatents(
  pipeline: LoadedPipeline,
  latents: Float32Array,
  latentHeight: number,
  latentWidth: number,
  clock: RunClock,
): Promise<{ chw: Float32Array; width: number; height: number }> {
  const { model, io } = pipeline;
  const unscaled = new Float32Array(latents.length);
  const inverse = 1 / model.vaeScalingFactor;
  for (let i = 0; i < latents.length; i++) unscaled[i] = latents[i]! * inverse;
  const dims = [1, model.latentChannels, latentHeight, latentWidth];
  const out = await clock.run(pipeline.vaeDecoder, { latent_sample: floatTensor(unscaled, dims, io.decoderLatent) }, 'vae_decoder');
  const image = out.sample;
  const pixels = readFloats(image, 'vae_decoder');
  const [batch, channels, height, width] = image!.dims;
  if (batch !== 1 || channels !== 3 || height === undefined || width === undefined) {
    throw new EaselError('GENERATION_FAILED', `vae_decoder returned shape [${image!.dims.join(', ')}]; expected [1, 3, height, width]`);
  }
  return { chw: pixels, width, height };
}

/**
 * Scaled latents [1, C, h, w] of an image [3 × height × width] in [-1, 1]: the encoder's mean (the first C
 * channels of latent_parameters, which also hold the log-variance) times scaling_factor, as diffusers' img2img.
 */
export async function encodeImage(
  pipeline: LoadedPipeline,
  image: Float32Array,
  height: number,
  width: number,
  clock: RunClock,
): Promise<Float32Array> {
  const { model, io, vaeEncoder } = pipeline;
  if (!vaeEncoder || !io.encoderSample || !io.encoderOutput) {
    throw new EaselError('INVALID_INPUT', 'this model has no vae_encoder; image-to-image is not available');
  }
  const out = await clock.run(vaeEncoder, { sample: floatTensor(image, [1, 3, height, width], io.encoderSample) }, 'vae_encoder');
  const latent = readFloats(out[io.encoderOutput], 'vae_encoder');
  const length = model.latentChannels * (height / model.vaeScaleFactor) * (width / model.vaeScaleFactor);
  if (latent.length < length) {
    throw new EaselError('GENERATION_FAILED', `vae_encoder returned ${latent.length} values; expected at least ${length}`);
  }
  const scaled = new Float32Array(length);
  for (let i = 0; i < length; i++) scaled[i] = latent[i]! * model.vaeScalingFactor;
  return scaled;
}
