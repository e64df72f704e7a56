// Generation through the real server, runner and demo model: the picture matches the prompt, progress and
// previews stream, seeds reproduce bytes, cancel and a full queue behave, unload cancels jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf } from '../../../client/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { near, readPng } from '../../helpers/png-pixels.js';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const PROMPT = 'a red circle on a blue background';

type Progress = { status: string; step?: number; totalSteps?: number; etaMs?: number | null; previewPng?: string; imageUrl?: string; durationMs?: number; runMs?: number; error?: { code: string; message: string } };

describe('generation', () => {
  let dataDir: string;
  let easel: EaselProcess;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    easel = await startEaselServer({ dataDir, env: { EASEL_QUEUE_LIMIT: '2' } });
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  /** Follows a job's progress stream to its end. */
  function follow(id: string): Promise<Progress[]> {
    return new Promise((resolve, reject) => {
      const events: Progress[] = [];
      const subscription = easel.client.generate.onProgress.subscribe(
        { id },
        {
          onData(event) {
            events.push(event as Progress);
            if (['done', 'failed', 'cancelled'].includes((event as Progress).status)) {
              subscription.unsubscribe();
              resolve(events);
            }
          },
          onError: reject,
        },
      );
    });
  }

  async function image(url: string): Promise<Uint8Array> {
    const response = await fetch(`${easel.url}${url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    return new Uint8Array(await response.arrayBuffer());
  }

  it('refuses to generate before a model is loaded', async () => {
    const error = await easel.client.generate.start.mutate({ prompt: PROMPT }).catch((e: unknown) => e);
    expect(easelCodeOf(error)).toBe('NOT_LOADED');
  });

  it('lists the 18 samplers and the loaded model size', async () => {
    const samplers = await easel.client.pipeline.samplers.query();
    expect(samplers).toHaveLength(18);
    expect(samplers.every((s) => s.label && s.description)).toBe(true);
    await easel.client.models.load.mutate({ id: 'easel-demo' });
    expect(await easel.client.pipeline.sampleSize.query()).toMatchObject({ sampleSize: 64, width: 512, height: 512 });
  });

  it('draws a red circle on a blue background at 512×512, with progress and previews', async () => {
    const { id, ids } = await easel.client.generate.start.mutate({ prompt: PROMPT, steps: 20, seed: 42 });
    expect(ids).toEqual([id]);
    const events = await follow(id);
    const steps = events.filter((e) => e.status === 'running' && e.step! > 0).map((e) => e.step);
    expect(steps).toEqual([...steps].sort((a, b) => a! - b!));
    expect(steps.at(-1)).toBe(20);
    expect(events.some((e) => e.previewPng?.startsWith('data:image/png;base64,'))).toBe(true);
    expect(events.some((e) => typeof e.etaMs === 'number')).toBe(true);
    const done = events.at(-1)!;
    expect(done.status).toBe('done');

    const pixels = await readPng(await image(done.imageUrl!));
    expect([pixels.width, pixels.height]).toEqual([512, 512]);
    expect(near(pixels.at(256, 256), RED)).toBe(true);
    for (const [x, y] of [[5, 5], [506, 5], [5, 506], [506, 506]] as const) expect(near(pixels.at(x, y), BLUE)).toBe(true);

    const record = await easel.client.generate.get.query({ id });
    expect(record).toMatchObject({ id, status: 'done', seed: 42, steps: 20, sampler: 'DPM_SOLVER_MULTISTEP', width: 512, height: 512, imageUrl: done.imageUrl });
    expect(record.durationMs).toBeGreaterThan(0);
    // The onnxruntime share: whole milliseconds, inside the generation's duration, the same in the done event.
    expect(Number.isInteger(record.runMs)).toBe(true);
    expect(record.runMs).toBeGreaterThan(0);
    expect(record.runMs).toBeLessThanOrEqual(record.durationMs!);
    expect(done).toMatchObject({ durationMs: record.durationMs, runMs: record.runMs });
    // A subscriber that comes after the end gets the done event rebuilt from the record.
    expect(await follow(id)).toEqual([{ id, status: 'done', done: true, imageUrl: done.imageUrl, seed: 42, durationMs: record.durationMs, runMs: record.runMs }]);
  });

  it('gives the same bytes for the same seed, and records a drawn seed', async () => {
    const params = { prompt: 'a yellow star on a black background', steps: 12, width: 128, height: 128, sampler: 'EULER_A' };
    const a = await easel.client.generate.start.mutate({ ...params, seed: 7 });
    const b = await easel.client.generate.start.mutate({ ...params, seed: 7 });
    const [ea, eb] = await Promise.all([follow(a.id), follow(b.id)]);
    expect(Buffer.compare(Buffer.from(await image(ea.at(-1)!.imageUrl!)), Buffer.from(await image(eb.at(-1)!.imageUrl!)))).toBe(0);

    const c = await easel.client.generate.start.mutate({ ...params, count: 2 });
    expect(c.ids).toHaveLength(2);
    await follow(c.ids[1]!);
    const [first, second] = await Promise.all(c.ids.map((id) => easel.client.generate.get.query({ id })));
    expect(second!.seed).toBe(first!.seed + 1);
  });

  it('draws the prompt with every sampler', async () => {
    const samplers = await easel.client.pipeline.samplers.query();
    for (const { name } of samplers) {
      const steps = name === 'LCM' || name === 'TCD' ? 6 : 25;
      const { id } = await easel.client.generate.start.mutate({ prompt: PROMPT, sampler: name, steps, width: 128, height: 128, seed: 3 });
      const done = (await follow(id)).at(-1)!;
      expect(done.status, name).toBe('done');
      const pixels = await readPng(await image(done.imageUrl!));
      expect(near(pixels.at(64, 64), RED), `${name} centre ${pixels.at(64, 64)}`).toBe(true);
      expect(near(pixels.at(3, 3), BLUE), `${name} corner ${pixels.at(3, 3)}`).toBe(true);
    }
  });

  it('refuses bad parameters with a message naming them', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ width: 100 }, /width must be a multiple of 8/],
      [{ width: 8192 }, /width must be an integer from 64 to 1024/],
      [{ steps: 0 }, /steps/],
      [{ guidance: 31 }, /guidance/],
      [{ sampler: 'FOO' }, /Unknown sampler "FOO"; choose one of EULER_A/],
      [{ strength: 0.5 }, /strength only applies to image-to-image/],
    ];
    for (const [params, message] of cases) {
      const error = await easel.client.generate.start.mutate({ prompt: PROMPT, ...params }).catch((e: unknown) => e);
      expect(easelCodeOf(error), JSON.stringify(params)).toBe('INVALID_INPUT');
      expect((error as Error).message).toMatch(message);
    }
  });

  it('cancels a running job within a step, and the next job still runs', async () => {
    // 512×512: the demo model takes a few ms a step at 256×256, which a busy machine's cancel round trip can outlast.
    const { id } = await easel.client.generate.start.mutate({ prompt: PROMPT, steps: 150, width: 512, height: 512 });
    const events: Progress[] = [];
    const ended = new Promise<void>((resolve) => {
      const subscription = easel.client.generate.onProgress.subscribe(
        { id },
        {
          onData(event) {
            events.push(event as Progress);
            const e = event as Progress;
            if (e.status === 'running' && e.step === 2) void easel.client.generate.cancel.mutate({ id });
            if (e.status === 'cancelled' || e.status === 'done') {
              subscription.unsubscribe();
              resolve();
            }
          },
        },
      );
    });
    await ended;
    expect(events.at(-1)!.status).toBe('cancelled');
    const lastStep = Math.max(...events.map((e) => e.step ?? 0));
    expect(lastStep).toBeLessThan(150);
    expect(await easel.client.generate.get.query({ id })).toMatchObject({ status: 'cancelled', runMs: null });

    const next = await easel.client.generate.start.mutate({ prompt: PROMPT, steps: 4, width: 64, height: 64 });
    expect((await follow(next.id)).at(-1)!.status).toBe('done');
  });

  it('answers BUSY beyond the queue bound, removes a queued job on cancel, and cancels all on unload', async () => {
    const long = { prompt: PROMPT, steps: 150, width: 256, height: 256 };
    const running = await easel.client.generate.start.mutate(long);
    const queued = await easel.client.generate.start.mutate({ ...long, count: 2 });
    const busy = await easel.client.generate.start.mutate(long).catch((e: unknown) => e);
    expect(easelCodeOf(busy)).toBe('BUSY');
    expect((busy as Error).message).toMatch(/queue is full/);

    const removed = await easel.client.generate.cancel.mutate({ id: queued.ids[1]! });
    expect(removed).toMatchObject({ cancelled: true, generation: { status: 'cancelled' } });

    await easel.client.models.unload.mutate();
    const [a, b] = await Promise.all([running.id, queued.ids[0]!].map((id) => follow(id)));
    for (const events of [a!, b!]) {
      expect(events.at(-1)).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: expect.stringMatching(/unloaded/) } });
    }
    const page = await easel.client.history.generations.query({ status: 'cancelled' });
    expect(page.items.map((g) => g.id)).toEqual(expect.arrayContaining([running.id, ...queued.ids]));
    expect(page.items.every((g) => g.runMs === null)).toBe(true);
  });
});
