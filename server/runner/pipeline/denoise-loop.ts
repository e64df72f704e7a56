// The scheduler loop: scale the latents, run the UNet on the (guidance) batch, fold the guidance, step.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { EaselError } from '../../core/errors.js';
import type { Scheduler } from '../../core/schedulers/index.js';
import { combineGuidance } from './guidance.js';
import type { PipelineIo } from './pipeline-io.js';
import type { RunClock } from './run-clock.js';
import { readFloats, SampleFeed, TimestepFeed } from './tensor-dtypes.js';

export interface DenoiseJob {
  unet: InferenceSession;
  io: Pick<PipelineIo, 'unetSample' | 'timestep'>;
  scheduler: Scheduler;
  /** The timesteps to run: the whole schedule, or its tail for image-to-image. */
  timesteps: readonly number[];
  /** Scaled latents [1, C, h, w] to start from. */
  latents: Float32Array;
  latentDims: readonly [number, number, number, number];
  /** encoder_hidden_states: [negative; prompt] when guiding, else [prompt]. */
  hidden: Tensor;
  /** Further UNet inputs that stay the same every step (SDXL's text_embeds and time_ids). */
  added?: Record<string, Tensor>;
  guidance: number;
  clock: RunClock;
  /** Called after every step (1-based) with the new latents and the step's x₀ prediction when the sampler gives one;
   * it may throw to stop the loop (cancellation). */
  afterStep(step: number, totalSteps: number, latents: Float32Array, predicted: Float32Array | undefined): Promise<void>;
}

/**
 * Returns the final latents. Per step the loop allocates only what the contract requires: onnxruntime's output
 * (guidance is folded into it in place) and the scheduler's new arrays, which multistep samplers keep by reference.
 */
export async function denoise(job: DenoiseJob): Promise<Float32Array> {
  const { scheduler, timesteps, clock } = job;
  const batch = job.hidden.dims[0]!;
  const length = job.latents.length;
  const sample = new SampleFeed(job.io.unetSample, [batch, ...job.latentDims.slice(1)]);
  const timestep = new TimestepFeed(job.io.timestep, batch);
  let latents = job.latents;
  for (const [index, t] of timesteps.entries()) {
    timestep.set(t);
    const feeds = {
      sample: sample.tensorFor(scheduler.scaleModelInput(latents, t)),
      timestep: timestep.tensor,
      encoder_hidden_states: job.hidden,
      ...job.added,
    };
    const out = await clock.run(job.unet, feeds, 'unet');
    const prediction = readFloats(out.out_sample, 'unet');
    if (prediction.length !== batch * length) {
      throw new EaselError('GENERATION_FAILED', `unet returned ${prediction.length} values for a sample of ${batch * length}`);
    }
    const noise = batch > 1 ? combineGuidance(prediction, length, job.guidance) : prediction;
    const result = scheduler.step(noise, t, latents);
    latents = result.prevSample;
    await job.afterStep(index + 1, timesteps.length, latents, result.predOriginalSample);
  }
  return latents;
}
