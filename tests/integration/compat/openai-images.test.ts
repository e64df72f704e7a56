// The official `openai` client against a real Easel server with the demo model: models, generations as
// b64_json and as url, an edit, an unknown model, and tokens. Images are judged by their pixels.
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { near, readPng } from '../../helpers/png-pixels.js';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const GREEN: [number, number, number] = [0, 255, 0];
const BLACK: [number, number, number] = [0, 0, 0];
const RED_CIRCLE = 'a red circle on a blue background';
const GREEN_SQUARE = 'a green square on a black background';

/** Easel's extensions ride along in the body, as the openai client passes unknown keys through. */
const FAST = { steps: 20, seed: 5 } as Record<string, unknown>;

async function expectPicture(bytes: Uint8Array, size: number, centre: [number, number, number], corner: [number, number, number]): Promise<void> {
  const pixels = await readPng(bytes);
  expect([pixels.width, pixels.height]).toEqual([size, size]);
  const middle = Math.floor(size / 2);
  expect(near(pixels.at(middle, middle), centre), `centre ${pixels.at(middle, middle)}`).toBe(true);
  for (const [x, y] of [[2, 2], [size - 3, 2], [2, size - 3], [size - 3, size - 3]] as const) {
    expect(near(pixels.at(x, y), corner), `corner ${pixels.at(x, y)}`).toBe(true);
  }
}

describe('OpenAI Images API with the openai client', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let openai: OpenAI;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir });
    await easel.client.models.load.mutate({ id: 'easel-demo' });
    openai = new OpenAI({ apiKey: 'unused-without-tokens', baseURL: `${easel.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('lists the registered models', async () => {
    const models = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models).toEqual([
      { id: 'easel-demo', object: 'model', owned_by: 'easel', created: expect.any(Number) },
      { id: 'easel-demo-xl', object: 'model', owned_by: 'easel', created: expect.any(Number) },
    ]);
    expect(await openai.models.retrieve('easel-demo')).toMatchObject({ id: 'easel-demo', owned_by: 'easel' });
  });

  it('generates b64_json images that draw the prompt, ignoring quality and style', async () => {
    const result = await openai.images.generate({
      model: 'easel-demo',
      prompt: RED_CIRCLE,
      size: '256x256',
      n: 2,
      response_format: 'b64_json',
      quality: 'hd',
      style: 'vivid',
      user: 'someone',
      ...FAST,
    });
    expect(result.created).toBeGreaterThan(0);
    expect(result.data).toHaveLength(2);
    for (const image of result.data!) await expectPicture(Buffer.from(image.b64_json!, 'base64'), 256, RED, BLUE);
  });

  it('generates a url that serves the image, and records the job with the openai actor', async () => {
    const result = await openai.images.generate({ model: 'easel-demo', prompt: RED_CIRCLE, size: '256x256', response_format: 'url', ...FAST });
    const url = result.data![0]!.url!;
    expect(url).toMatch(new RegExp(`^${easel.url}/images/[0-9a-f-]{36}\\.png$`));
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('image/png');
    await expectPicture(new Uint8Array(await response.arrayBuffer()), 256, RED, BLUE);

    const id = url.match(/([0-9a-f-]{36})\.png$/)![1]!;
    const page = await easel.client.history.generations.query({});
    expect(page.items.find((g) => g.id === id)).toMatchObject({ status: 'done', prompt: RED_CIRCLE, seed: 5, steps: 20, actor: 'openai' });
  });

  it('edits an image: image-to-image towards the prompt', async () => {
    const init = await openai.images.generate({ model: 'easel-demo', prompt: RED_CIRCLE, size: '256x256', response_format: 'b64_json', ...FAST });
    const png = Buffer.from(init.data![0]!.b64_json!, 'base64');
    const edited = await openai.images.edit({
      model: 'easel-demo',
      image: await toFile(png, 'circle.png', { type: 'image/png' }),
      prompt: GREEN_SQUARE,
      size: '256x256',
      n: 1,
      response_format: 'b64_json',
      ...FAST,
    });
    await expectPicture(Buffer.from(edited.data![0]!.b64_json!, 'base64'), 256, GREEN, BLACK);
  });

  it("answers an unknown model with 404 in OpenAI's error shape", async () => {
    const error = await openai.images.generate({ model: 'dall-e-3', prompt: RED_CIRCLE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const notFound = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(notFound.status).toBe(404);
    expect(notFound.error).toEqual({ message: expect.stringMatching(/The model 'dall-e-3' does not exist/), type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });

  it('refuses a bad size naming the parameter', async () => {
    const error = await openai.images.generate({ model: 'easel-demo', prompt: RED_CIRCLE, size: 'huge' as '256x256' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: 'size', type: 'invalid_request_error', code: 'invalid_input', message: expect.stringMatching(/size must look like/) });
  });
});

describe('OpenAI Images API with tokens', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_ADMIN_TOKEN: 'admin-secret', EASEL_USER_TOKEN: 'user-secret' }, token: 'admin-secret' });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  function client(apiKey: string): OpenAI {
    return new OpenAI({ apiKey, baseURL: `${easel.url}/v1`, maxRetries: 0 });
  }

  it('refuses a wrong key with 401 in OpenAI shape', async () => {
    const error = await client('wrong').models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ type: 'authentication_error', code: 'unauthorized' });
  });

  it('lets the user token generate, loading the model on demand, and records it as the owner', async () => {
    const result = await client('user-secret').images.generate({ model: 'easel-demo', prompt: RED_CIRCLE, size: '256x256', response_format: 'b64_json', ...FAST });
    await expectPicture(Buffer.from(result.data![0]!.b64_json!, 'base64'), 256, RED, BLUE);
    const page = await easel.client.history.generations.query({});
    expect(page.items[0]).toMatchObject({ actor: 'openai', ownerRole: 'user' });
  });
});
