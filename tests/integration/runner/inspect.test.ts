import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { Runner, RunnerFactory } from '../../../server/core/ports.js';
import { inspectModel } from '../../../server/runner/inspect.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { TINY_MODEL, writeTinyModel } from '../../helpers/model-fixtures.js';

let root: string;
const spawned: Runner[] = [];
const real = createProcessRunnerFactory();
const factory: RunnerFactory = {
  spawn: () => {
    const runner = real.spawn();
    spawned.push(runner);
    return runner;
  },
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-inspect-'));
});

afterAll(async () => {
  await Promise.all(spawned.map((runner) => runner.kill()));
  await rm(root, { recursive: true, force: true });
});

describe('inspectModel', () => {
  it('describes a model folder and leaves no runner behind', async () => {
    const dir = await writeTinyModel(join(root, 'tiny'), { omit: 'vae_encoder' });
    const description = await inspectModel(factory, dir);
    expect(description).toMatchObject({ ...TINY_MODEL, hasVaeEncoder: false });
    expect(description.parts.map((p) => p.part)).toEqual(['text_encoder', 'unet', 'vae_decoder']);
    expect(description).not.toHaveProperty('device');
    expect(isAlive(spawned.at(-1)!.pid!)).toBe(false);
  });

  it('reports a model that breaks the contract as INVALID_MODEL naming the part', async () => {
    const dir = await writeTinyModel(join(root, 'wrong'), { wrongNames: 'unet' });
    const error = await inspectModel(factory, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EaselError);
    expect((error as EaselError).code).toBe('INVALID_MODEL');
    expect((error as EaselError).message).toMatch(/unet has no output 'out_sample' \(found: noise_pred\)/);
    expect(isAlive(spawned.at(-1)!.pid!)).toBe(false);
  });

  it('reports a folder that is not a model as INVALID_MODEL', async () => {
    const error = await inspectModel(factory, join(root, 'missing')).catch((e: unknown) => e);
    expect((error as EaselError).code).toBe('INVALID_MODEL');
    expect((error as EaselError).message).toMatch(/does not exist/);
  });
});
