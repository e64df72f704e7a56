// AUTOMATIC1111's txt2img / img2img request bodies in Easel's terms, with A1111's API defaults, and the `info`
// string A1111 answers with (a JSON object of the parameters and seeds actually used).
import { z } from 'zod';
import { invalidParam } from './compat-errors.js';
import type { ImageRequest } from './compat-port.js';
import { parseRequest } from './request-schema.js';
import { resolveA1111Sampler } from './sampler-names.js';

/** A1111's API defaults where a field is absent (its sampler default is `sampler_index: "Euler"`). */
const txt2imgBody = z.object({
  prompt: z.string().max(2000).default(''),
  negative_prompt: z.string().max(2000).default(''),
  seed: z.number().int().min(-1).default(-1),
  sampler_name: z.string().max(64).nullish(),
  sampler_index: z.string().max(64).default('Euler'),
  scheduler: z.string().max(64).nullish(),
  batch_size: z.number().int().min(1).default(1),
  n_iter: z.number().int().min(1).default(1),
  steps: z.number().int().min(1).default(50),
  cfg_scale: z.number().default(7),
  width: z.number().int().min(1).default(512),
  height: z.number().int().min(1).default(512),
  override_settings: z.object({ sd_model_checkpoint: z.string().max(300).optional() }).nullish(),
  enable_hr: z.boolean().nullish(),
});

const img2imgBody = txt2imgBody.extend({
  init_images: z.array(z.string()).min(1, 'img2img needs at least one init image (base64)'),
  denoising_strength: z.number().gt(0).max(1).default(0.75),
  mask: z.string().nullish(),
});

export interface A1111Job {
  request: ImageRequest;
  /** The sampler's A1111 name, as `info` writes it. */
  samplerName: string;
  /** `override_settings.sd_model_checkpoint`, when the request names one. */
  checkpoint: string | undefined;
  /** The request with A1111's defaults filled in, echoed as `parameters`. */
  parameters: Record<string, unknown>;
  batchSize: number;
}

/** A1111 works in latents of 1/8 the size, so a size that is not a multiple of 8 is rounded down. */
function latentMultiple(side: number): number {
  return Math.floor(side / 8) * 8;
}

function jobFrom(body: z.infer<typeof txt2imgBody>, parameters: Record<string, unknown>): A1111Job {
  if (body.enable_hr) throw invalidParam('enable_hr', 'Hires fix (enable_hr) is not supported; ask for the final width and height directly');
  const sampler = resolveA1111Sampler(body.sampler_name || body.sampler_index, body.scheduler ?? undefined);
  const request: ImageRequest = {
    prompt: body.prompt,
    negativePrompt: body.negative_prompt,
    sampler: sampler.easel,
    steps: body.steps,
    guidance: body.cfg_scale,
    width: latentMultiple(body.width),
    height: latentMultiple(body.height),
    count: body.batch_size * body.n_iter,
  };
  if (body.seed >= 0) request.seed = body.seed;
  return { request, samplerName: sampler.name, checkpoint: body.override_settings?.sd_model_checkpoint, parameters, batchSize: body.batch_size };
}

export function readTxt2img(value: unknown): A1111Job {
  const body = parseRequest(txt2imgBody, value);
  return jobFrom(body, { ...body, sampler_name: body.sampler_name || body.sampler_index });
}

export function readImg2img(value: unknown): A1111Job {
  const body = parseRequest(img2imgBody, value);
  if (body.mask) throw invalidParam('mask', 'Inpainting (mask) is not supported; img2img repaints the whole image, as much as denoising_strength says');
  // A1111 leaves the (large) init images out of the parameters it echoes.
  const job = jobFrom(body, { ...body, sampler_name: body.sampler_name || body.sampler_index, init_images: null, mask: null });
  job.request.image = body.init_images[0]!;
  job.request.strength = body.denoising_strength;
  return job;
}

/** A1111's one-line summary of an image ("infotext"), which tools parse back into parameters. */
function infotext(job: A1111Job, model: string | null, seed: number): string {
  const { request } = job;
  const settings = [
    `Steps: ${request.steps}`,
    `Sampler: ${job.samplerName}`,
    `CFG scale: ${request.guidance}`,
    `Seed: ${seed}`,
    `Size: ${request.width}x${request.height}`,
    ...(model ? [`Model: ${model}`] : []),
    ...(request.strength !== undefined ? [`Denoising strength: ${request.strength}`] : []),
  ].join(', ');
  const negative = request.negativePrompt ? `\nNegative prompt: ${request.negativePrompt}` : '';
  return `${request.prompt}${negative}\n${settings}`;
}

/** The `info` string of a txt2img / img2img answer: seeds of the images made, and the parameters used. */
export function a1111Info(job: A1111Job, model: string | null, seeds: readonly number[], at: Date): string {
  const { request } = job;
  const seed = seeds[0] ?? request.seed ?? -1;
  return JSON.stringify({
    prompt: request.prompt,
    all_prompts: seeds.map(() => request.prompt),
    negative_prompt: request.negativePrompt,
    all_negative_prompts: seeds.map(() => request.negativePrompt),
    seed,
    all_seeds: seeds,
    subseed: -1,
    all_subseeds: seeds.map(() => -1),
    subseed_strength: 0,
    width: request.width,
    height: request.height,
    sampler_name: job.samplerName,
    cfg_scale: request.guidance,
    steps: request.steps,
    batch_size: job.batchSize,
    restore_faces: false,
    sd_model_name: model,
    sd_model_hash: null,
    denoising_strength: request.strength ?? null,
    extra_generation_params: {},
    index_of_first_image: 0,
    infotexts: seeds.map((s) => infotext(job, model, s)),
    styles: [],
    job_timestamp: at.toISOString().replace(/[-:T]/g, '').slice(0, 14),
    clip_skip: 1,
    is_using_inpainting_conditioning: false,
    version: 'easel',
  });
}
