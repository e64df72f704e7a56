import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import type { GenerationRequest, Runner } from '../../../server/core/ports.js';
import { buildDemoModel } from '../../../server/demo-model/index.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';

let root: string;
let runner: Runner;
let jobs = 0;

function request(sampler: string): GenerationRequest {
  jobs += 1;
  return {
    jobId: `job-${jobs}`,
    prompt: 'a red circle on a blue background',
    negativePrompt: '',
    sampler,
    steps: 4,
    guidance: 7.5,
    seed: 3,
    width: 64,
    height: 64,
    outputPath: join(root, `job-${jobs}.png`),
    previewEvery: 0,
  };
}

// A DPM++ scheduler_config.json as diffusers saves it: -Infinity for lambda_min_clipped, and an option
// (use_lu_lambdas) Easel does not reproduce.
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-scheduler-configs-'));
  const dir = join(root, 'demo');
  await buildDemoModel(dir);
  const path = join(dir, 'scheduler', 'scheduler_config.json');
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace(/^\{/, '{\n  "_class_name": "DPMSolverMultistepScheduler",\n  "lambda_min_clipped": -Infinity,\n  "use_lu_lambdas": true,'));
  runner = createProcessRunnerFactory().spawn();
  await runner.load({ modelPath: dir, device: 'cpu' }, {});
});

afterAll(async () => {
  await runner.kill();
  await rm(root, { recursive: true, force: true });
});

describe('a model whose scheduler config Python wrote', () => {
  it('loads and generates with a sampler whose class does not take the refused option', async () => {
    const result = await runner.generate(request('EULER'), {});
    expect(result.outputPath).toMatch(/\.png$/);
  });

  it('refuses DPM++ by the option it would ignore, naming file and key, and keeps working', async () => {
    const error = (await runner.generate(request('DPM_SOLVER_MULTISTEP'), {}).catch((e: unknown) => e)) as EaselError;
    expect(error.code).toBe('GENERATION_FAILED');
    expect(error.details).toEqual({ code: 'INVALID_MODEL' });
    expect(error.message).toMatch(/scheduler_config\.json key "use_lu_lambdas" is true/);
    await expect(runner.generate(request('DDIM'), {})).resolves.toBeDefined();
  });
});
