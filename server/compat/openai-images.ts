// OpenAI's Images API under /v1 over Easel's job queue: models, generations (b64_json or url) and edits
// (image-to-image), with OpenAI's error shape. quality, style and user are accepted and ignored.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { EaselError } from '../core/errors.js';
import { invalidParam, openAIErrorBody } from './compat-errors.js';
import type { ImageJobsPort, ImageRequest } from './compat-port.js';
import type { CompatApi, CompatCall, CompatReply } from './compat-routes.js';
import { readBody, readJsonObject } from './http-exchange.js';
import { parseImageSize } from './image-size.js';
import { awaitBatch, endError } from './job-batch.js';
import { parseMultipart } from './multipart.js';
import { parseRequest } from './request-schema.js';

/** How much of the uploaded image an edit repaints when the request sets no `strength`. */
const DEFAULT_EDIT_STRENGTH = 0.75;

const common = {
  model: z.string().min(1).max(200).optional(),
  prompt: z.string().min(1, 'a prompt is required').max(2000),
  size: z.string().max(32).optional(),
  response_format: z.enum(['url', 'b64_json']).optional(),
  user: z.string().max(256).optional(),
  quality: z.string().max(32).optional(),
  style: z.string().max(32).optional(),
  // Easel's extensions, for scripts that want repeatable images.
  negative_prompt: z.string().max(2000).optional(),
};

const generationBody = z.object({
  ...common,
  n: z.number().int().min(1).max(16).optional(),
  seed: z.number().int().min(0).optional(),
  steps: z.number().int().min(1).optional(),
});

const editFields = z.object({
  ...common,
  n: z.coerce.number().int().min(1).max(16).optional(),
  seed: z.coerce.number().int().min(0).optional(),
  steps: z.coerce.number().int().min(1).optional(),
  strength: z.coerce.number().gt(0).max(1).optional(),
});

type Common = z.infer<typeof generationBody>;

export function createOpenAIImagesApi(port: ImageJobsPort, options: { maxBodyBytes: number }): CompatApi {
  async function modelFor(requested: string | undefined): Promise<string> {
    if (requested === undefined) {
      const current = port.currentModel();
      if (current === null) throw invalidParam('model', 'No model is loaded, so name one in `model` (GET /v1/models lists them)');
      return current;
    }
    const models = await port.models();
    if (!models.some((m) => m.id === requested)) {
      throw new EaselError('NOT_FOUND', `The model '${requested}' does not exist; GET /v1/models lists the models Easel has`, { details: { param: 'model' } });
    }
    return requested;
  }

  async function generate(call: CompatCall, body: Common & { strength?: number }, image?: string): Promise<CompatReply> {
    const request: ImageRequest = { model: await modelFor(body.model), prompt: body.prompt, count: body.n ?? 1, ...parseImageSize(body.size) };
    if (body.negative_prompt !== undefined) request.negativePrompt = body.negative_prompt;
    if (body.seed !== undefined) request.seed = body.seed;
    if (body.steps !== undefined) request.steps = body.steps;
    if (image !== undefined) {
      request.image = image;
      request.strength = body.strength ?? DEFAULT_EDIT_STRENGTH;
    }
    const { ids } = await port.submit(request, call.origin);
    const ends = await awaitBatch(port, ids, { signal: call.signal });
    for (const end of ends) if (end.status !== 'done') throw endError(end);
    const data = await Promise.all(
      ids.map(async (id) => (body.response_format === 'b64_json' ? { b64_json: (await port.readImage(id)).toString('base64') } : { url: imageUrl(call.req, id) })),
    );
    return { body: { created: Math.floor(Date.now() / 1000), data } };
  }

  async function edit(call: CompatCall): Promise<CompatReply> {
    const form = await parseMultipart(call.req.headers['content-type'], await readBody(call.req, options.maxBodyBytes));
    if (form.files.has('mask')) throw invalidParam('mask', 'Masks (inpainting) are not supported; an edit repaints the whole image, as much as `strength` says');
    const images = [...(form.files.get('image') ?? []), ...(form.files.get('image[]') ?? [])];
    if (images.length === 0) throw invalidParam('image', 'An image file is required (multipart field `image`, PNG or JPEG)');
    if (images.length > 1) throw invalidParam('image', 'Easel edits one image at a time; send a single `image`');
    const fields = parseRequest(editFields, Object.fromEntries(form.fields));
    return generate(call, fields, images[0]!.bytes.toString('base64'));
  }

  async function models(): Promise<CompatReply> {
    const list = await port.models();
    return { body: { object: 'list', data: list.map((m) => modelObject(m.id, m.createdAt)) } };
  }

  async function model(id: string): Promise<CompatReply> {
    const found = (await port.models()).find((m) => m.id === id);
    if (!found) throw new EaselError('NOT_FOUND', `The model '${id}' does not exist; GET /v1/models lists the models Easel has`, { details: { param: 'model' } });
    return { body: modelObject(found.id, found.createdAt) };
  }

  return {
    prefix: '/v1',
    actor: 'openai',
    async handle(call) {
      const { method, route } = call;
      if (method === 'GET' && route === '/models') return models();
      if (method === 'GET' && route.startsWith('/models/')) return model(decodeURIComponent(route.slice('/models/'.length)));
      if (method === 'POST' && route === '/images/generations') {
        return generate(call, parseRequest(generationBody, await readJsonObject(call.req, options.maxBodyBytes)));
      }
      if (method === 'POST' && route === '/images/edits') return edit(call);
      throw new EaselError('NOT_FOUND', `Easel does not serve ${method} /v1${route}; it serves GET /v1/models, POST /v1/images/generations and POST /v1/images/edits`);
    },
    errorBody: openAIErrorBody,
  };
}

function modelObject(id: string, createdAt: Date): { id: string; object: 'model'; created: number; owned_by: 'easel' } {
  return { id, object: 'model', created: Math.floor(createdAt.getTime() / 1000), owned_by: 'easel' };
}

/** Where the image is served, on the host the client reached. */
function imageUrl(req: IncomingMessage, id: string): string {
  const host = req.headers.host;
  return host ? `http://${host}/images/${id}.png` : `/images/${id}.png`;
}
