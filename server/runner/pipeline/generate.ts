// One generation in the runner: check, condition on the prompts, denoise, decode, write the PNG; progress and
// cancellation between steps.
import { samplingSchedulerConfig } from '../model-family.js';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EaselError } from '../../core/errors.js';
import type { GenerationProgress, GenerationRequest, GenerationResult } from '../../core/ports.js';
import { createGaussianRandom, createScheduler } from '../../core/schedulers/index.js';
import { denoise } from './denoise-loop.js';
import { usesGuidance } from './guidance.js';
import { writeImagePng } from './image-codec.js';
import { startingPoint } from './initial-latents.js';
import type { LoadedPipeline } from './loaded-pipeline.js';
import { pngParameters } from './png-parameters.js';
import { previewPngBase64 } from './preview.js';
import { checkGenerationRequest } from './request-check.js';
import { RunClock } from './run-clock.js';
import { conditionOn } from './text-conditioning.js';
import { decodeLatents } from './vae.js';

export interface GenerationHooks {
  progress(progress: GenerationProgress): void;
  /** Read after each step, once the event loop has delivered whatever arrived during the (blocking) UNet run. */
  cancelled(): boolean;
}

export async function generateImage(pipeline: LoadedPipeline, request: GenerationRequest, hooks: GenerationHooks): Promise<GenerationResult> {
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

  const latents = await denoise({
    unet: pipeline.unet,
    io: pipeline.io,
    scheduler,
    timesteps: start.timesteps,
    latents: start.latents,
    latentDims,
    hidden: conditioning.hidden,
    added: conditioning.added,
    guidance: request.guidance,
    clock,
    afterStep: async (step, totalSteps, current, predicted) => {
      await stopIfCancelled();
      const progress: GenerationProgress = { step, totalSteps };
      if (pipeline.preview && request.previewEvery > 0 && step % request.previewEvery === 0) {
        progress.previewPngBase64 = previewPngBase64(predicted ?? current, pipeline.preview, latentHeight, latentWidth);
      }
      hooks.progress(progress);
    },
  });

  const image = await decodeLatents(pipeline, latents, latentHeight, latentWidth, clock);
  await writeImagePng(request.outputPath, image.chw, image.width, image.height, pngParameters(request));
  return { outputPath: request.outputPath, runMs: clock.runMs, totalMs: performance.now() - started };
}
