// PullService against a local hub over real HTTP, files on a real disk: only the layout's files come down, a
// transfer broken midway continues with a Range request, a cancel keeps the partial file for the next pull,
// wrong bytes are refused and nothing is registered, and a missing repository or layout says what is wrong.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { ModelRecord } from '../../../server/db/model-repository.js';
import { buildDemoModel } from '../../../server/demo-model/index.js';
import { createHubRepository } from '../../../server/registry/hub/hub-repository.js';
import { isFinalPullStatus, type PullEvent } from '../../../server/registry/hub/pull-event.js';
import { PullService } from '../../../server/registry/hub/pull-service.js';
import { makeDataDir, removeDataDir } from '../../helpers/easel-server.js';
import { startHubServer, type HubServer } from '../../helpers/hub-server.js';

const BIG_FILE = 'text_encoder/model.onnx';
const HALF = 20_000;

function recordingRegistry() {
  const registered: Array<{ path: string; id?: string; name?: string }> = [];
  return {
    registered,
    list: async (): Promise<ModelRecord[]> => registered.map((r) => ({ id: r.id!, path: r.path }) as ModelRecord),
    register: async (input: { path: string; id?: string; name?: string }): Promise<ModelRecord> => {
      await stat(join(input.path, 'model_index.json'));
      registered.push(input);
      return { id: input.id!, path: input.path, name: input.name! } as ModelRecord;
    },
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('pulling a model from a hub', () => {
  let work: string;
  let demo: string;
  let hub: HubServer;
  let root: string;
  let registry: ReturnType<typeof recordingRegistry>;
  let pulls: PullService;
  let events: PullEvent[];

  const service = (options: { url?: string; token?: string; freeBytes?: number } = {}) =>
    new PullService({
      hub: createHubRepository({ url: options.url ?? hub.url, token: options.token ?? null }),
      root,
      registry,
      freeBytes: async () => options.freeBytes ?? Number.MAX_SAFE_INTEGER,
      newId: randomUUID,
      now: Date.now,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });

  const finalEventOf = (pullId: string) =>
    new Promise<PullEvent>((resolve) => {
      const seen = events.find((e) => e.pullId === pullId && isFinalPullStatus(e.status));
      if (seen) return resolve(seen);
      const stop = pulls.subscribe((e) => {
        if (e.pullId === pullId && isFinalPullStatus(e.status)) {
          stop();
          resolve(e);
        }
      });
    });

  beforeAll(async () => {
    work = await makeDataDir('easel-hub-pull-');
    demo = join(work, 'demo');
    await buildDemoModel(demo);
    // What a hub repository holds beside the ONNX folders: none of it may be downloaded.
    await writeFile(join(demo, 'README.md'), '# easel demo\n');
    await writeFile(join(demo, 'unet', 'diffusion_pytorch_model.safetensors'), Buffer.alloc(4096, 7));
    const pytorchOnly = join(work, 'pytorch-only');
    await mkdir(join(pytorchOnly, 'unet'), { recursive: true });
    await writeFile(join(pytorchOnly, 'model_index.json'), '{}\n');
    await writeFile(join(pytorchOnly, 'unet', 'diffusion_pytorch_model.safetensors'), Buffer.alloc(1024, 1));
    await buildDemoModel(join(pytorchOnly, 'onnx'));
    hub = await startHubServer({ token: 'hf_test_token' });
    for (const name of ['easel/demo', 'easel/flaky', 'easel/held']) await hub.addRepo(name, demo);
    await hub.addRepo('easel/tampered', demo, { tamper: ['unet/model.onnx_data'] });
    await hub.addRepo('easel/pytorch', pytorchOnly);
    await hub.addRepo('easel/gated', demo, { gated: true });
  });

  afterAll(async () => {
    await hub?.close();
    await removeDataDir(work);
  });

  beforeEach(async () => {
    root = join(work, `root-${randomUUID()}`);
    await mkdir(root);
    registry = recordingRegistry();
    events = [];
    pulls = service();
    pulls.subscribe((e) => events.push(e));
  });

  afterEach(() => pulls.close());

  it('downloads only the ONNX layout into a folder named after the repository, verified, then registers it', async () => {
    const started = await pulls.start({ repo: 'easel/demo' });
    expect(started).toMatchObject({ repo: 'easel/demo', revision: 'main', status: 'downloading', folder: join(root, 'easel--demo') });
    const done = await finalEventOf(started.pullId);
    expect(done).toMatchObject({ status: 'done', modelId: 'easel--demo', files: { done: 15, total: 15 }, etaMs: 0 });
    expect(done.bytes.done).toBe(done.bytes.total);
    const folder = join(root, 'easel--demo');
    const expected = (await filesUnder(demo)).filter((f) => f !== 'README.md' && !f.endsWith('.safetensors'));
    expect(await filesUnder(folder)).toEqual(expected);
    for (const file of expected) expect(await readFile(join(folder, file))).toEqual(await readFile(join(demo, file)));
    expect(registry.registered).toEqual([{ path: folder, id: 'easel--demo', name: 'easel/demo' }]);
    expect(hub.requests.some((r) => r.path.endsWith('.safetensors') || r.path.endsWith('README.md'))).toBe(false);
    // model_index.json comes last: a folder that has it has everything else.
    const resolved = hub.requests.filter((r) => r.path.startsWith('/easel/demo/resolve/')).map((r) => r.path);
    expect(resolved.at(-1)).toBe('/easel/demo/resolve/main/model_index.json');
  });

  it('joins a second pull of the same folder instead of downloading it twice', async () => {
    const [first, second] = await Promise.all([pulls.start({ repo: 'easel/demo' }), pulls.start({ repo: 'easel/demo' })]);
    expect(second.pullId).toBe(first.pullId);
    const third = await pulls.start({ repo: 'easel/demo' });
    expect(third.pullId).toBe(first.pullId);
    expect((await finalEventOf(first.pullId)).status).toBe('done');
    expect(registry.registered).toHaveLength(1);
    await expect(pulls.start({ repo: 'easel/demo' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('continues a transfer broken midway with a Range request from where it stopped', async () => {
    hub.interruptOnce('easel/flaky', BIG_FILE, HALF);
    const started = await pulls.start({ repo: 'easel/flaky' });
    const done = await finalEventOf(started.pullId);
    expect(done.status).toBe('done');
    const ranges = hub.rangesOf('easel/flaky', BIG_FILE);
    expect(ranges).toHaveLength(1);
    const from = Number(ranges[0]!.match(/^bytes=(\d+)-/)![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(HALF);
    expect(await readFile(join(root, 'easel--flaky', BIG_FILE))).toEqual(await readFile(join(demo, BIG_FILE)));
  });

  it('cancels a pull, keeps the partial file, and the next pull continues from it', async () => {
    const gate = hub.hold('easel/held', BIG_FILE, HALF);
    const started = await pulls.start({ repo: 'easel/held' });
    await gate.reached;
    const folder = join(root, 'easel--held');
    const partial = async () => (await readdir(join(folder, 'text_encoder'))).find((f) => f.endsWith('.part'));
    await vi.waitFor(async () => expect((await stat(join(folder, 'text_encoder', (await partial())!))).size).toBe(HALF));
    const result = await pulls.cancel({ repo: 'easel/held' });
    gate.release();
    expect(result).toMatchObject({ cancelled: true, pull: { pullId: started.pullId, status: 'cancelled', error: { code: 'CANCELLED' } } });
    expect(registry.registered).toEqual([]);
    expect((await stat(join(folder, 'text_encoder', (await partial())!))).size).toBe(HALF);
    await expect(stat(join(folder, 'model_index.json'))).rejects.toThrow();

    const again = await pulls.start({ repo: 'easel/held' });
    expect(again.pullId).not.toBe(started.pullId);
    expect((await finalEventOf(again.pullId)).status).toBe('done');
    expect(hub.rangesOf('easel/held', BIG_FILE)).toEqual([`bytes=${HALF}-${48642 - 1}`]);
    expect(await readFile(join(folder, BIG_FILE))).toEqual(await readFile(join(demo, BIG_FILE)));
    expect(await partial()).toBeUndefined();
  });

  it('refuses a file whose sha256 differs from the listing, deletes it and registers nothing', async () => {
    const started = await pulls.start({ repo: 'easel/tampered' });
    const failed = await finalEventOf(started.pullId);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('INVALID_MODEL');
    expect(failed.error?.message).toMatch(/Checksum mismatch.*unet\/model\.onnx_data: the sha256 is [0-9a-f]{64}, the hub lists [0-9a-f]{64}/);
    expect(registry.registered).toEqual([]);
    const left = await filesUnder(join(root, 'easel--tampered'));
    expect(left).not.toContain('model_index.json');
    expect(left.some((f) => f.startsWith('unet/model.onnx_data'))).toBe(false);
  });

  it('refuses a repository without the ONNX layout, listing what it holds and where an export is', async () => {
    const refusal = await pulls.start({ repo: 'easel/pytorch' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(EaselError);
    expect(refusal).toMatchObject({ code: 'INVALID_MODEL' });
    const message = (refusal as EaselError).message;
    expect(message).toContain('missing text_encoder/model.onnx, unet/model.onnx, vae_decoder/model.onnx');
    expect(message).toContain('unet/diffusion_pytorch_model.safetensors');
    expect(message).toContain('--subfolder onnx');
    expect(events).toEqual([]);

    const sub = await pulls.start({ repo: 'easel/pytorch', subfolder: 'onnx' });
    expect(sub.folder).toBe(join(root, 'easel--pytorch--onnx'));
    expect(await finalEventOf(sub.pullId)).toMatchObject({ status: 'done', modelId: 'easel--pytorch--onnx' });
    expect(await filesUnder(sub.folder)).toContain('unet/model.onnx_data');
  });

  it('answers NOT_FOUND for a missing repository, revision or subfolder', async () => {
    await expect(pulls.start({ repo: 'easel/missing' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"easel/missing"') });
    await expect(pulls.start({ repo: 'easel/demo', revision: 'v9' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('revision "v9"') });
    await expect(pulls.start({ repo: 'easel/demo', subfolder: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says which hub it could not reach', async () => {
    const nowhere = service({ url: 'http://127.0.0.1:9' });
    await expect(nowhere.start({ repo: 'easel/demo' })).rejects.toMatchObject({ code: 'INTERRUPTED', message: expect.stringMatching(/from http:\/\/127\.0\.0\.1:9 .*check EASEL_HUB_URL/) });
  });

  it('sends HF_TOKEN for a gated repository and says to set it when missing', async () => {
    await expect(pulls.start({ repo: 'easel/gated' })).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('set HF_TOKEN') });
    const withToken = service({ token: 'hf_test_token' });
    const started = await withToken.start({ repo: 'easel/gated' });
    const done = await new Promise<PullEvent>((resolve) => withToken.subscribe((e) => isFinalPullStatus(e.status) && resolve(e)));
    expect(done).toMatchObject({ pullId: started.pullId, status: 'done' });
    expect(hub.requests.filter((r) => r.path.includes('easel/gated/resolve')).every((r) => r.authorization === 'Bearer hf_test_token')).toBe(true);
  });

  it('refuses a pull that cannot fit on the disk before downloading anything', async () => {
    const cramped = service({ freeBytes: 1000 });
    const before = hub.requests.length;
    await expect(cramped.start({ repo: 'easel/demo' })).rejects.toMatchObject({ code: 'INSUFFICIENT_STORAGE', message: expect.stringContaining('1000 free') });
    expect(hub.requests.slice(before).some((r) => r.path.includes('/resolve/'))).toBe(false);
  });
});
