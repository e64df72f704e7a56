import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EaselError, isEaselError } from '../../../server/core/errors.js';
import type { LoadedModel, LoadProgress, Runner, RunnerExit } from '../../../server/core/ports.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { TINY_MODEL, writeTinyModel, type TinyModelOptions } from '../../helpers/model-fixtures.js';

const factory = createProcessRunnerFactory();
let root: string;
let tiny: string;
let slow: string;
const started: Runner[] = [];

function spawn(): Runner {
  const runner = factory.spawn();
  started.push(runner);
  return runner;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function failure(promise: Promise<unknown>): Promise<EaselError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof EaselError)) throw new Error(`expected an EaselError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-runner-'));
  tiny = await writeTinyModel(join(root, 'tiny'));
  slow = await writeTinyModel(join(root, 'slow'), { slow: true });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((runner) => runner.kill()));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a runner that loads a tiny model', () => {
  let runner: Runner;
  let model: LoadedModel;
  const progress: LoadProgress[] = [];

  beforeAll(async () => {
    runner = factory.spawn();
    model = await runner.load({ modelPath: tiny, device: 'cpu' }, { onProgress: (p) => progress.push(p) });
  });

  afterAll(async () => {
    await runner.kill();
  });

  it('reports progress before every part, in load order', () => {
    expect(progress).toEqual([
      { part: 'text_encoder', index: 0, count: 4, fraction: 0 },
      { part: 'unet', index: 1, count: 4, fraction: 0.25 },
      { part: 'vae_decoder', index: 2, count: 4, fraction: 0.5 },
      { part: 'vae_encoder', index: 3, count: 4, fraction: 0.75 },
    ]);
  });

  it('describes the model with the dtypes read from the sessions', () => {
    expect(model).toMatchObject({ ...TINY_MODEL, device: 'cpu', hasVaeEncoder: true });
    expect(model.deviceNote).toBeUndefined();
    const types = Object.fromEntries(model.parts.map((p) => [p.part, p.inputs.map((i) => `${i.name}:${i.type}`)]));
    expect(types).toEqual({
      text_encoder: ['input_ids:int32'],
      unet: ['sample:float32', 'timestep:int64', 'encoder_hidden_states:float32'],
      vae_decoder: ['latent_sample:float32'],
      vae_encoder: ['sample:float32'],
    });
  });

  it('reports the memory the process holds', async () => {
    const memory = await runner.memory();
    expect(memory.rssBytes).toBeGreaterThan(0);
    expect(memory.gpuBytes).toBeUndefined();
  });

  it('refuses a second load on the same runner', async () => {
    expect((await failure(runner.load({ modelPath: tiny, device: 'cpu' }, {}))).code).toBe('BUSY');
  });

  it('stops cleanly: exit code 0, process gone, and stop() can be asked again', async () => {
    const pid = runner.pid!;
    const exit = await runner.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(isAlive(pid)).toBe(false);
    expect(await runner.stop()).toBe(exit);
    expect(await runner.kill()).toBe(exit);
    expect((await failure(runner.memory())).code).toBe('NOT_LOADED');
  });
});

describe('cancelling and crashes', () => {
  it('kills a slow load when its signal aborts, and rejects only once the process is gone', async () => {
    const runner = spawn();
    const pid = runner.pid!;
    const controller = new AbortController();
    const events: string[] = [];
    const load = runner.load(
      { modelPath: slow, device: 'cpu' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          events.push(`progress ${p.part}`);
          if (p.part === 'unet') {
            events.push('abort');
            controller.abort();
          }
        },
      },
    );
    const error = await failure(load);
    events.push(`rejected ${error.code}, alive: ${isAlive(pid)}`);
    expect(events).toEqual(['progress text_encoder', 'progress unet', 'abort', 'rejected CANCELLED, alive: false']);
    expect(await runner.kill()).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('rejects at once with CANCELLED when the signal was aborted before the load', async () => {
    const runner = spawn();
    const error = await failure(runner.load({ modelPath: tiny, device: 'cpu' }, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
    expect(isAlive(runner.pid!)).toBe(false);
  });

  it('ends a load with CANCELLED when the runner is stopped during it', async () => {
    const runner = spawn();
    const load = runner.load({ modelPath: slow, device: 'cpu' }, { onProgress: (p) => p.part === 'unet' && void runner.stop(50) });
    expect((await failure(load)).code).toBe('CANCELLED');
    expect(isAlive(runner.pid!)).toBe(false);
  });

  it('names the part it was loading when the process dies mid-load', async () => {
    const runner = spawn();
    const exits: RunnerExit[] = [];
    runner.onUnexpectedExit((exit) => exits.push(exit));
    const killOnUnet = (p: LoadProgress): void => void (p.part === 'unet' && process.kill(runner.pid!, 'SIGKILL'));
    const load = runner.load({ modelPath: slow, device: 'cpu' }, { onProgress: killOnUnet });
    const error = await failure(load);
    expect(error.code).toBe('RUNNER_CRASHED');
    expect(error.message).toMatch(/was killed by SIGKILL while loading unet/);
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
  });

  it('tells its listener once when a loaded runner is killed from outside', async () => {
    const runner = spawn();
    await runner.load({ modelPath: tiny, device: 'cpu' }, {});
    const exits: RunnerExit[] = [];
    const reported = new Promise<void>((resolve) =>
      runner.onUnexpectedExit((exit) => {
        exits.push(exit);
        resolve();
      }),
    );
    process.kill(runner.pid!, 'SIGKILL');
    await reported;
    expect(await runner.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
    expect((await failure(runner.memory())).code).toBe('RUNNER_CRASHED');
  });
});

describe('models the runner refuses', () => {
  let count = 0;

  async function loadFailure(options: TinyModelOptions): Promise<EaselError> {
    const dir = await writeTinyModel(join(root, `bad-${count++}`), options);
    const runner = spawn();
    const error = await failure(runner.load({ modelPath: dir, device: 'cpu' }, {}));
    expect(error.code).toBe('LOAD_FAILED');
    // A refused model leaves the runner alive with nothing open, ready to be stopped.
    expect(await runner.stop()).toEqual({ code: 0, signal: null });
    return error;
  }

  it('names a corrupt part and keeps the child code as the cause', async () => {
    const error = await loadFailure({ corrupt: 'unet' });
    expect(error.message).toMatch(/^unet\/model\.onnx could not be opened by onnxruntime: /);
    expect(error.details).toMatchObject({ part: 'unet', code: 'INVALID_MODEL' });
    expect(isEaselError(error.cause, 'INVALID_MODEL')).toBe(true);
  });

  it('names a missing part', async () => {
    expect((await loadFailure({ omit: 'vae_decoder' })).message).toMatch(/vae_decoder\/model\.onnx is missing/);
  });

  it('names a part whose output breaks the tensor contract', async () => {
    const error = await loadFailure({ wrongNames: 'vae_decoder' });
    expect(error.message).toMatch(/vae_decoder has no output 'sample' \(found: image\)/);
    expect(error.details).toMatchObject({ part: 'vae_decoder' });
  });

  it('names a part whose input has the wrong dtype', async () => {
    expect((await loadFailure({ wrongDtype: 'text_encoder' })).message).toMatch(/text_encoder input 'input_ids' is float32/);
  });
});

describe('devices', () => {
  it('falls back to cpu under auto and says why the GPUs were skipped', async () => {
    const runner = spawn();
    const model = await runner.load({ modelPath: tiny, device: 'auto' }, {});
    expect(model.device).toBe('cpu');
    expect(model.deviceNote).toMatch(/^auto chose cpu; cuda: .+; webgpu: .+/);
  });

  it('fails an explicit cuda load with a message naming the device', async () => {
    const runner = spawn();
    const error = await failure(runner.load({ modelPath: tiny, device: 'cuda' }, {}));
    expect(error.code).toBe('LOAD_FAILED');
    expect(error.message).toMatch(/^text_encoder\/model\.onnx could not be opened on cuda: /);
  });

  it('retries on cpu in a fresh process when the GPU that auto chose kills the runner', async () => {
    const entry = fileURLToPath(new URL('./probe-crash-entry.ts', import.meta.url));
    // The server's probe passed WebGPU on its one-node model; the real model crashes it.
    const chooseAutoDevice = () => Promise.resolve({ device: 'webgpu' as const, reason: 'auto chose webgpu; cuda: not installed', skipped: ['cuda: not installed'] });
    const runner = createProcessRunnerFactory({ entry, chooseAutoDevice }).spawn();
    started.push(runner);
    const firstPid = runner.pid!;
    const exits: RunnerExit[] = [];
    runner.onUnexpectedExit((exit) => exits.push(exit));
    const model = await runner.load({ modelPath: tiny, device: 'auto' }, {});
    expect(model.device).toBe('cpu');
    expect(model.deviceNote).toBe(
      'auto chose cpu; cuda: not installed; webgpu: the runner was killed by SIGKILL while opening text_encoder',
    );
    expect(runner.pid).not.toBe(firstPid);
    expect(isAlive(firstPid)).toBe(false);
    expect(await runner.stop()).toEqual({ code: 0, signal: null });
    expect(exits).toEqual([]);
  });
});
