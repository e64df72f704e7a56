// A recorded AUTOMATIC1111 client session replayed with fetch against a real Easel server with the demo model:
// samplers, checkpoints, options, txt2img with Euler a and a seed, img2img, progress of a long job, interrupt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { near, readPng } from '../../helpers/png-pixels.js';
import { replay, SESSION } from './a1111-session.js';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const GREEN: [number, number, number] = [0, 255, 0];
const BLACK: [number, number, number] = [0, 0, 0];

async function expectPicture(base64: string, size: number, centre: [number, number, number], corner: [number, number, number]): Promise<void> {
  const pixels = await readPng(Buffer.from(base64, 'base64'));
  expect([pixels.width, pixels.height]).toEqual([size, size]);
  expect(near(pixels.at(size / 2, size / 2), centre), `centre ${pixels.at(size / 2, size / 2)}`).toBe(true);
  expect(near(pixels.at(2, 2), corner), `corner ${pixels.at(2, 2)}`).toBe(true);
  expect(near(pixels.at(size - 3, size - 3), corner), `corner ${pixels.at(size - 3, size - 3)}`).toBe(true);
}

describe('AUTOMATIC1111 API, a recorded client session', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let circle: string;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('lists samplers with their Easel equivalents', async () => {
    const { status, body } = await replay(easel.url, SESSION.samplers);
    expect(status).toBe(200);
    expect(body).toContainEqual({ name: 'Euler a', aliases: ['k_euler_a', 'k_euler_ancestral'], options: { easel_sampler: 'EULER_A' } });
    expect(body).toContainEqual(expect.objectContaining({ name: 'DPM++ 2M Karras', options: { easel_sampler: 'DPM_SOLVER_MULTISTEP_KARRAS' } }));
    expect(body.map((s: { name: string }) => s.name)).not.toContain('DPM++ SDE Karras');
  });

  it('answers the ping and the lists of features Easel lacks, as clients probe them at start-up', async () => {
    expect(await replay(easel.url, { method: 'GET', path: '/internal/ping', headers: {} })).toEqual({ status: 200, body: {} });
    for (const path of ['/sdapi/v1/upscalers', '/sdapi/v1/sd-vae', '/sdapi/v1/loras']) {
      expect(await replay(easel.url, { method: 'GET', path, headers: {} }), path).toEqual({ status: 200, body: [] });
    }
    expect(await replay(easel.url, { method: 'GET', path: '/sdapi/v1/extensions', headers: {} })).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
  });

  it('lists the checkpoints', async () => {
    const { body } = await replay(easel.url, SESSION.sdModels);
    expect(body).toEqual([
      expect.objectContaining({ title: 'easel-demo', model_name: 'easel-demo', filename: expect.stringMatching(/models\/easel-demo$/) }),
      expect.objectContaining({ title: 'easel-demo-xl', model_name: 'easel-demo-xl', filename: expect.stringMatching(/models\/easel-demo-xl$/) }),
    ]);
  });

  it('loads the checkpoint set through options, and reports it back', async () => {
    const set = await replay(easel.url, SESSION.setCheckpoint);
    expect(set).toEqual({ status: 200, body: null });
    const status = await easel.client.models.status.query();
    expect(status.models).toContainEqual(expect.objectContaining({ modelId: 'easel-demo', state: 'LOADED' }));
    expect((await replay(easel.url, SESSION.options)).body).toMatchObject({ sd_model_checkpoint: 'easel-demo' });
  });

  it('runs txt2img with Euler a and a seed: images that draw the prompt, and info as A1111 writes it', async () => {
    const { status, body } = await replay(easel.url, SESSION.txt2img);
    expect(status).toBe(200);
    expect(body.images).toHaveLength(2);
    for (const image of body.images) await expectPicture(image, 256, RED, BLUE);
    circle = body.images[0];
    expect(body.parameters).toMatchObject({ prompt: 'a red circle on a blue background', seed: 1234, sampler_name: 'Euler a', steps: 20 });
    const info = JSON.parse(body.info);
    expect(info).toMatchObject({ seed: 1234, all_seeds: [1234, 1235], sampler_name: 'Euler a', steps: 20, cfg_scale: 7, width: 256, height: 256 });
    expect(info.infotexts[0]).toMatch(/Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 256x256/);

    const page = await easel.client.history.generations.query({});
    expect(page.items.filter((g) => g.seed === 1234 || g.seed === 1235)).toEqual([
      expect.objectContaining({ sampler: 'EULER_A', actor: 'a1111' }),
      expect.objectContaining({ sampler: 'EULER_A', actor: 'a1111' }),
    ]);
  });

  it('runs img2img from the txt2img image towards the new prompt', async () => {
    const { status, body } = await replay(easel.url, SESSION.img2img, circle);
    expect(status).toBe(200);
    await expectPicture(body.images[0], 256, GREEN, BLACK);
    expect(body.parameters).toMatchObject({ init_images: null, denoising_strength: 0.8 });
    expect(JSON.parse(body.info)).toMatchObject({ seed: 99, all_seeds: [99], sampler_name: 'DPM++ 2M Karras', denoising_strength: 0.8 });
  });

  it('reports progress with a live preview while a long job runs, and interrupt ends it early', async () => {
    let ended = false;
    const long = replay(easel.url, SESSION.longTxt2img).finally(() => (ended = true));
    let progress: any;
    // 16 images of 150 steps: far longer than a few polls, and the request only answers early when interrupted.
    for (;;) {
      if (ended) throw new Error(`the long txt2img answered before any progress was seen: ${JSON.stringify((await long).body).slice(0, 300)}`);
      progress = (await replay(easel.url, SESSION.progress)).body;
      if (progress.progress > 0 && progress.current_image) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(progress.progress).toBeLessThan(1);
    expect(progress.state.job_count).toBeGreaterThanOrEqual(1);
    expect(progress.state.sampling_steps).toBe(150);
    expect(progress.eta_relative).toBeGreaterThanOrEqual(0);
    expect((await readPng(Buffer.from(progress.current_image, 'base64'))).width).toBeGreaterThan(0);

    expect(await replay(easel.url, SESSION.interrupt)).toEqual({ status: 200, body: {} });
    const { status, body } = await long;
    expect(status).toBe(200);
    expect(body.images.length).toBeLessThan(16);
    expect(JSON.parse(body.info).all_seeds).toHaveLength(body.images.length);
    const page = await easel.client.history.generations.query({ status: 'cancelled' });
    expect(page.items.filter((g) => g.prompt === 'a huge yellow star on a black background').length).toBe(16 - body.images.length);
    expect((await replay(easel.url, SESSION.progress)).body).toMatchObject({ progress: 0, state: { job_count: 0 }, current_image: null });
  });

  it("answers an unknown checkpoint and a sampler without an equivalent in A1111's error shape", async () => {
    const checkpoint = await replay(easel.url, { ...SESSION.setCheckpoint, body: { sd_model_checkpoint: 'v1-5-pruned-emaonly.safetensors [6ce0161689]' } });
    expect(checkpoint).toEqual({ status: 404, body: { error: 'NOT_FOUND', detail: expect.stringMatching(/No checkpoint "v1-5-pruned-emaonly.safetensors \[6ce0161689\]"/), body: '', errors: '' } });
    const sampler = await replay(easel.url, { ...SESSION.txt2img, body: { ...SESSION.txt2img.body, sampler_name: 'DPM++ SDE Karras' } });
    expect(sampler.status).toBe(400);
    expect(sampler.body.detail).toMatch(/no exact equivalent in Easel/);
  });
});
