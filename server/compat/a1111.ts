// AUTOMATIC1111's API under /sdapi/v1 over Easel's job queue: samplers, checkpoints, options (selecting a
// checkpoint loads it), txt2img, img2img, progress with the live preview, and interrupt.
import { z } from 'zod';
import { EaselError } from '../core/errors.js';
import { a1111ErrorBody } from './compat-errors.js';
import type { CompatModel, ImageJobsPort, JobEnd, JobOrigin } from './compat-port.js';
import type { CompatApi, CompatCall, CompatReply } from './compat-routes.js';
import { a1111Info, readImg2img, readTxt2img, type A1111Job } from './a1111-request.js';
import { readJsonObject } from './http-exchange.js';
import { awaitBatch, endError } from './job-batch.js';
import { parseRequest } from './request-schema.js';
import { samplerList } from './sampler-names.js';

/** A job this API is waiting on: whose it is, and its latest preview for /progress. */
interface InFlight {
  ownerId: string | null;
  previewPng?: string;
}

/** Lists A1111 clients read at start-up (SillyTavern, Open WebUI) for features Easel doesn't have: empty. */
const NONE_IN_EASEL: ReadonlySet<string> = new Set(['/upscalers', '/latent-upscale-modes', '/sd-vae', '/loras']);

const optionsBody = z.object({ sd_model_checkpoint: z.string().min(1).max(300).optional() });

/** A1111 checkpoint titles end in " [hash]"; clients echo the title back. */
function checkpointName(title: string): string {
  return title.replace(/\s*\[[0-9a-f]{6,64}\]$/i, '');
}

function base64Of(dataUrl: string): string {
  return dataUrl.replace(/^data:image\/[a-z]+;base64,/, '');
}

export function createA1111Api(port: ImageJobsPort, options: { maxBodyBytes: number }): CompatApi {
  /** The checkpoint chosen through POST /options: where requests that name none run. */
  let selected: string | null = null;
  const inFlight = new Map<string, InFlight>();

  async function checkpoint(title: string): Promise<CompatModel> {
    const name = checkpointName(title);
    const found = (await port.models()).find((m) => m.id === name || m.name === name);
    if (!found) throw new EaselError('NOT_FOUND', `No checkpoint "${title}"; GET /sdapi/v1/sd-models lists the ones Easel has`);
    return found;
  }

  async function render(call: CompatCall, job: A1111Job): Promise<CompatReply> {
    const model = job.checkpoint ? (await checkpoint(job.checkpoint)).id : (selected ?? port.currentModel() ?? undefined);
    const { ids } = await port.submit({ ...job.request, model }, call.origin);
    for (const id of ids) inFlight.set(id, { ownerId: call.origin.ownerId });
    let ends: JobEnd[];
    try {
      ends = await awaitBatch(port, ids, {
        signal: call.signal,
        onProgress: (id, progress) => {
          const entry = inFlight.get(id);
          if (entry && progress.previewPng) entry.previewPng = progress.previewPng;
        },
      });
    } finally {
      for (const id of ids) inFlight.delete(id);
    }
    for (const end of ends) if (end.status === 'failed') throw endError(end);
    // An interrupt (or a cancel from elsewhere) answers with the images finished so far, as A1111 does.
    const done = ids.flatMap((id, i) => {
      const end = ends[i];
      return end?.status === 'done' ? [{ id, seed: end.seed }] : [];
    });
    const images = await Promise.all(done.map(async ({ id }) => (await port.readImage(id)).toString('base64')));
    const info = a1111Info(job, model ?? null, done.map((d) => d.seed), new Date());
    return { body: { images, parameters: job.parameters, info } };
  }

  function progress(call: CompatCall): CompatReply {
    const jobs = port.active();
    const running = jobs.find((job) => job.status === 'running');
    const preview = running ? (inFlight.get(running.id)?.previewPng ?? running.previewPng) : undefined;
    const skipImage = call.url.searchParams.get('skip_current_image') === 'true';
    const fraction = running && running.totalSteps > 0 ? running.step / running.totalSteps : 0;
    return {
      body: {
        progress: fraction,
        eta_relative: running?.etaMs != null ? running.etaMs / 1000 : 0,
        state: {
          skipped: false,
          interrupted: false,
          stopping_generation: false,
          job: running ? running.id : '',
          job_count: jobs.length,
          job_timestamp: '0',
          job_no: 0,
          sampling_step: running?.step ?? 0,
          sampling_steps: running?.totalSteps ?? 0,
        },
        current_image: preview && !skipImage ? base64Of(preview) : null,
        textinfo: null,
        current_task: running?.id ?? null,
      },
    };
  }

  /** Cancels the running job; a user token reaches only the jobs it started here. */
  async function interrupt(origin: JobOrigin): Promise<CompatReply> {
    const running = port.active().filter((job) => job.status === 'running' || job.status === 'loading');
    const mine = origin.ownerRole === 'user' ? running.filter((job) => inFlight.get(job.id)?.ownerId === origin.ownerId) : running;
    await Promise.all(mine.map((job) => port.cancel(job.id)));
    return { body: {} };
  }

  async function setOptions(call: CompatCall): Promise<CompatReply> {
    const body = parseRequest(optionsBody, await readJsonObject(call.req, options.maxBodyBytes));
    if (body.sd_model_checkpoint !== undefined) {
      const model = await checkpoint(body.sd_model_checkpoint);
      if (call.origin.ownerRole === 'user') {
        throw new EaselError('FORBIDDEN', 'Loading a checkpoint needs the admin token; with a user token, name it per request in override_settings.sd_model_checkpoint (it loads on demand)');
      }
      await port.loadModel(model.id, call.origin);
      selected = model.id;
    }
    return { body: null };
  }

  async function sdModels(): Promise<CompatReply> {
    const models = await port.models();
    return { body: models.map((m) => ({ title: m.id, model_name: m.id, hash: null, sha256: null, filename: m.path, config: null })) };
  }

  return {
    prefix: '/sdapi/v1',
    // A1111 clients check the server is up with GET /internal/ping.
    extraPaths: ['/internal/ping'],
    actor: 'a1111',
    async handle(call) {
      const { method, route } = call;
      if (method === 'GET' && route === '/samplers') return { body: samplerList() };
      if (method === 'GET' && route === '/schedulers') {
        return { body: [{ name: 'automatic', label: 'Automatic', aliases: null }, { name: 'karras', label: 'Karras', aliases: null }] };
      }
      if (method === 'GET' && route === '/sd-models') return sdModels();
      if (method === 'GET' && route === '/options') return { body: { sd_model_checkpoint: selected ?? port.currentModel() ?? '', samples_format: 'png' } };
      if (method === 'POST' && route === '/options') return setOptions(call);
      if (method === 'POST' && route === '/txt2img') return render(call, readTxt2img(await readJsonObject(call.req, options.maxBodyBytes)));
      if (method === 'POST' && route === '/img2img') return render(call, readImg2img(await readJsonObject(call.req, options.maxBodyBytes)));
      if (method === 'GET' && NONE_IN_EASEL.has(route)) return { body: [] };
      if (route === '/internal/ping') return { body: {} };
      if (method === 'GET' && route === '/progress') return progress(call);
      if (method === 'POST' && route === '/interrupt') return interrupt(call.origin);
      throw new EaselError('NOT_FOUND', `Easel does not serve ${method} /sdapi/v1${route}; see the README's list of AUTOMATIC1111 endpoints`);
    },
    errorBody: (_status, error) => a1111ErrorBody(error),
  };
}
