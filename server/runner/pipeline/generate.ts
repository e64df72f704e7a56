// One generation in the runner: check, condition on the prompts, denoise, decode, write the PNG; progress and
// cancellation between steps. generate-batch.ts runs several through one UNet call per step with the same parts.
import { samplingSchedulerConfig } from '../model-family.js';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EaselError } from '../../core/errors.js';
import type { GenerationProgress, GenerationRequest, GenerationResult } from '../../core/ports.js';
import { createGaussianRandom, createScheduler, type Scheduler } from '../../core/schedulers/index.js';
import { denoise } from './denoise-loop.js';
import { usesGuidance } from './guidance.js';
import { writeImagePng } from './image-codec.js';
import { startingPoint, type StartingPoint } from './initial-latents.js';
import type { LoadedPipeline } from './loaded-pipeline.js';
import { pngParameters } from './png-parameters.js';
import { previewPngBase64 } from './preview.js';
import { checkGenerationRequest } from './request-check.js';
import { RunClock } from './run-clock.js';
import { conditionOn, type Conditioning } from './text-conditioning.js';
import { decodeLatents } from './vae.js';

export interface GenerationHooks {
  progress(progress: GenerationProgress): void;
  /** Read after each step, once the event loop has delivered whatever arrived during the (blocking) UNet run. */
  cancelled(): boolean;
}

/** One image made ready to denoise: its scheduler, conditioning and starting latents, and its step callback. */
export interface PreparedImage {
  request: GenerationRequest;
  started: number;
  clock: RunClock;
  scheduler: Scheduler;
  conditioning: Conditioning;
  start: StartingPoint;
  latentDims: readonly [number, number, number, number];
  afterStep(step: number, totalSteps: number, latents: Float32Array, predicted: Float32Array | undefined): Promise<void>;
}

export async function prepareImage(pipeline: LoadedPipeline, request: GenerationRequest, hooks: GenerationHooks): Promise<PreparedImage> {
  const started = performance.now();
  const { model } = pipeline;
  checkGenerationRequest(request, model);
  const clock = new RunClock();
  const latentDims = [1, model.latentChannels, request.height / model.vaeScaleFactor, request.width / model.vaeScaleFactor] as const;
  const [, channels, latentHeight, latentWidth] = latentDims;
  const stopIfCancelled = async (): Promise<void> => {
    await nextTurn();
    if (hooks.cancelled()) throw new EaselError('CANCELLED', `generation ${request.jobId} was cancelled`);
  };

  const random = createGaussianRandom(request.seed);
  const scheduler = createScheduler(request.sampler, samplingSchedulerConfig(model), { random });
  scheduler.setTimesteps(request.steps);
  const guided = usesGuidance(request.guidance);
  const prompts = guided ? [request.negativePrompt, request.prompt] : [request.prompt];
  // Easel cannot tell an absent negative prompt from an empty one: both take diffusers' "None" path.
  const zeroFirst = guided && request.negativePrompt === '' && model.forceZerosForEmptyPrompt === true;
  const conditioning = await conditionOn(pipeline, prompts, { width: request.width, height: request.height, zeroFirst }, clock);
  await stopIfCancelled();
  const start = await startingPoint(pipeline, request, scheduler, random, channels * latentHeight * latentWidth, clock);
  return {
    request,
    started,
    clock,
    scheduler,
    conditioning,
    start,
    latentDims,
    afterStep: async (step, totalSteps, current, predicted) => {
      await stopIfCancelled();
      const progress: GenerationProgress = { step, totalSteps };
      if (pipeline.preview && request.previewEvery > 0 && step % request.previewEvery === 0) {
        progress.previewPngBase64 = previewPngBase64(predicted ?? current, pipeline.preview, latentHeight, latentWidth);
      }
      hooks.progress(progress);
    },
  };
}

/** Decodes the final latents and writes the PNG. */
export async function finishImage(pipeline: LoadedPipeline, image: PreparedImage, latents: Float32Array): Promise<GenerationResult> {
  const [, , latentHeight, latentWidth] = image.latentDims;
  const decoded = await decodeLatents(pipeline, latents, latentHeight, latentWidth, image.clock);
  await writeImagePng(image.request.outputPath, decoded.chw, decoded.width, decoded.height, pngParameters(image.request));
  return { outputPath: image.request.outputPath, runMs: image.clock.runMs, totalMs: performance.now() - image.started };
}

export async function generateImage(pipeline: LoadedPipeline, request: GenerationRequest, hooks: GenerationHooks): Promise<GenerationResult> {
  const image = await prepareImage(pipeline, request, hooks);
  const latents = await denoise({
    unet: pipeline.unet,
    io: pipeline.io,
    scheduler: image.scheduler,
    timesteps: image.start.timesteps,
    latents: image.start.latents,
    latentDims: image.latentDims,
    hidden: image.conditioning.hidden,
    added: image.conditioning.added,
    guidance: request.guidance,
    clock: image.clock,
    afterStep: image.afterStep,
  });
  return finishImage(pipeline, image, latents);
}
