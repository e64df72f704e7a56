// models.pull through a real server and a local hub: a pulled model is registered, loads and draws its prompt;
// onPull streams files, bytes and an ETA; cancelPull stops a pull and the next one continues; refusals carry
// their codes.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { easelCodeOf, followGeneration, followPull, type PullEvent } from '../../../client/index.js';
import { buildDemoModel } from '../../../server/demo-model/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { startHubServer, type HubServer } from '../../helpers/hub-server.js';
import { near, readPng } from '../../helpers/png-pixels.js';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const HELD_BYTES = 10_000;

async function collect(iterator: AsyncGenerator<PullEvent>): Promise<PullEvent[]> {
  const events: PullEvent[] = [];
  for await (const event of iterator) events.push(event);
  return events;
}

describe('models.pull', () => {
  let work: string;
  let hub: HubServer;
  let easel: EaselProcess;

  beforeAll(async () => {
    work = await makeDataDir('easel-api-pull-');
    const demo = join(work, 'hub', 'demo');
    await buildDemoModel(demo);
    const pytorch = join(work, 'hub', 'pytorch');
    await mkdir(join(pytorch, 'unet'), { recursive: true });
    await writeFile(join(pytorch, 'model_index.json'), '{}\n');
    await writeFile(join(pytorch, 'unet', 'diffusion_pytorch_model.safetensors'), Buffer.alloc(64));
    hub = await startHubServer();
    await hub.addRepo('easel/demo', demo);
    await hub.addRepo('easel/held', demo);
    await hub.addRepo('easel/pytorch', pytorch);
    easel = await startEaselServer({ dataDir: join(work, 'data'), env: { EASEL_DEMO_MODEL: '0', EASEL_HUB_URL: hub.url } });
  });

  afterAll(async () => {
    await easel?.stop();
    await hub?.close();
    await removeDataDir(work);
  });

  it('pulls a model that then loads and draws its prompt', async () => {
    const started = await easel.client.models.pull.mutate({ repo: 'easel/demo' });
    expect(started).toMatchObject({ repo: 'easel/demo', revision: 'main', status: 'downloading', files: { total: 15 } });
    const events = await collect(followPull(easel.client, started.pullId));
    const done = events.at(-1)!;
    expect(done).toMatchObject({ status: 'done', modelId: 'easel--demo', files: { done: 15, total: 15 }, etaMs: 0 });
    expect(done.bytes.done).toBe(done.bytes.total);
    expect(events.some((e) => e.status === 'registering')).toBe(true);
    expect(events.map((e) => e.bytes.done)).toEqual([...events.map((e) => e.bytes.done)].sort((a, b) => a - b));

    const model = await easel.client.models.get.query({ id: 'easel--demo' });
    expect(model).toMatchObject({ name: 'easel/demo', path: join(easel.modelsDir, 'easel--demo') });
    await easel.client.models.load.mutate({ id: 'easel--demo' });
    const { id } = await easel.client.generate.start.mutate({ prompt: 'a red circle on a blue background', steps: 12, seed: 3, width: 256, height: 256 });
    let last;
    for await (const event of followGeneration(easel.client, id)) last = event;
    expect(last).toMatchObject({ status: 'done' });
    const png = new Uint8Array(await (await fetch(`${easel.url}${(last as { imageUrl: string }).imageUrl}`)).arrayBuffer());
    const pixels = await readPng(png);
    expect(near(pixels.at(128, 128), RED)).toBe(true);
    expect(near(pixels.at(4, 4), BLUE)).toBe(true);

    const again = await easel.client.models.pull.mutate({ repo: 'easel/demo' }).catch((e: unknown) => e);
    expect(easelCodeOf(again)).toBe('ALREADY_EXISTS');
  });

  it('cancels a pull by id, streams it to every subscriber, and the next pull continues', async () => {
    const gate = hub.hold('easel/held', 'text_encoder/model.onnx', HELD_BYTES);
    const started = await easel.client.models.pull.mutate({ repo: 'easel/held' });
    await gate.reached;
    // The bytes sent before the gate are on the server's disk before the cancel, so the resume point is known.
    const partDir = join(easel.modelsDir, 'easel--held', 'text_encoder');
    await vi.waitFor(async () => {
      const part = (await readdir(partDir)).find((f) => f.endsWith('.part'));
      expect((await stat(join(partDir, part!))).size).toBe(HELD_BYTES);
    });
    const watching = followPull(easel.client, started.pullId);
    const cancelled = await easel.client.models.cancelPull.mutate({ id: started.pullId });
    gate.release();
    expect(cancelled).toMatchObject({ cancelled: true, pull: { status: 'cancelled', error: { code: 'CANCELLED' } } });
    expect((await collect(watching)).at(-1)).toMatchObject({ status: 'cancelled' });
    expect((await easel.client.models.list.query()).map((m) => m.id)).not.toContain('easel--held');

    const resumed = await easel.client.models.pull.mutate({ repo: 'easel/held' });
    expect((await collect(followPull(easel.client, resumed.pullId))).at(-1)).toMatchObject({ status: 'done', modelId: 'easel--held' });
    const ranges = hub.rangesOf('easel/held', 'text_encoder/model.onnx');
    expect(ranges).toHaveLength(1);
    expect(ranges[0]).toMatch(new RegExp(`^bytes=${HELD_BYTES}-`));
  });

  it('refuses a missing repository, a repository without the ONNX layout, and a bad name', async () => {
    const missing = await easel.client.models.pull.mutate({ repo: 'easel/missing' }).catch((e: unknown) => e);
    expect(easelCodeOf(missing)).toBe('NOT_FOUND');
    const pytorch = await easel.client.models.pull.mutate({ repo: 'easel/pytorch' }).catch((e: unknown) => e);
    expect(easelCodeOf(pytorch)).toBe('INVALID_MODEL');
    expect((pytorch as Error).message).toMatch(/missing text_encoder\/model\.onnx.*Found: model_index\.json, unet\/diffusion_pytorch_model\.safetensors/);
    const bad = await easel.client.models.pull.mutate({ repo: '../etc' }).catch((e: unknown) => e);
    expect(easelCodeOf(bad)).toBe('INVALID_INPUT');
    const unknown = await easel.client.models.cancelPull.mutate({ id: 'no-such-pull' }).catch((e: unknown) => e);
    expect(easelCodeOf(unknown)).toBe('NOT_FOUND');
  });
});
