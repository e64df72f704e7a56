// Where denoising starts: seeded noise for text-to-image, or the encoded initial image noised to the first kept
// timestep for image-to-image.
import type { GenerationRequest } from '../../core/ports.js';
import type { GaussianRandom, Scheduler } from '../../core/schedulers/index.js';
import { readInitImage } from './image-codec.js';
import type { LoadedPipeline } from './loaded-pipeline.js';
import type { RunClock } from './run-clock.js';
import { img2imgStartIndex } from './strength.js';
import { encodeImage } from './vae.js';

export interface StartingPoint {
  latents: Float32Array;
  timesteps: readonly number[];
}

/** The scheduler's timesteps must be set. The noise is the generator's first draw, as in diffusers. */
export async function startingPoint(
  pipeline: LoadedPipeline,
  request: GenerationRequest,
  scheduler: Scheduler,
  random: GaussianRandom,
  latentLength: number,
  clock: RunClock,
): Promise<StartingPoint> {
  const noise = new Float32Array(latentLength);
  if (request.initImageBase64 === undefined) {
    random.fill(noise);
    const sigma = scheduler.initNoiseSigma;
    for (let i = 0; i < noise.length; i++) noise[i] = noise[i]! * sigma;
    return { latents: noise, timesteps: scheduler.timesteps };
  }
  const image = await readInitImage(request.initImageBase64, request.width, request.height);
  const initial = await encodeImage(pipeline, image, request.height, request.width, clock);
  const start = img2imgStartIndex(request.steps, request.strength ?? 1, scheduler.order);
  const timesteps = scheduler.timesteps.slice(start);
  random.fill(noise);
  return { latents: scheduler.addNoise(initial, noise, timesteps[0]!), timesteps };
}
