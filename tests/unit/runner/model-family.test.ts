import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import { readModelFolder } from '../../../server/runner/model-folder.js';
import { predictionTypeOf, samplingDefaultsOf, samplingSchedulerConfig } from '../../../server/runner/model-family.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-model-family-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A tiny model whose `file` is replaced by `text`, as Python's json.dump might have written it. */
async function modelWith(file: string, text: (current: string) => string): Promise<string> {
  const dir = await writeTinyModel(join(root, `model-${count++}`));
  const path = join(dir, file);
  await writeFile(path, text(await readFile(path, 'utf8')));
  return dir;
}

/** Adds `"key": raw` (raw JSON text, NaN and Infinity allowed) to a config's top-level object. */
const withKey = (key: string, raw: string) => (current: string) => current.replace(/^\{/, `{\n  "${key}": ${raw},`);

describe('model folders with configs as diffusers writes them', () => {
  it('reads -Infinity, Infinity and NaN in scheduler_config.json', async () => {
    const dir = await modelWith('scheduler/scheduler_config.json', (t) =>
      withKey('lambda_min_clipped', '-Infinity')(withKey('sigma_max', 'Infinity')(withKey('shift', 'NaN')(t))),
    );
    const { schedulerConfig } = (await readModelFolder(dir)).config;
    expect(schedulerConfig.lambda_min_clipped).toBe(Number.NEGATIVE_INFINITY);
    expect(schedulerConfig.sigma_max).toBe(Number.POSITIVE_INFINITY);
    expect(schedulerConfig.shift).toBeNaN();
  });

  it.each(['model_index.json', 'unet/config.json', 'vae_decoder/config.json', 'text_encoder/config.json', 'tokenizer/tokenizer_config.json'])(
    'reads NaN in %s',
    async (file) => {
      const dir = await modelWith(file, withKey('python_float', 'NaN'));
      await expect(readModelFolder(dir)).resolves.toBeDefined();
    },
  );

  it('refuses an unknown prediction_type, naming the file and the key', async () => {
    const dir = await modelWith('scheduler/scheduler_config.json', withKey('prediction_type', '"flow_prediction"'));
    const error = await readModelFolder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EaselError);
    expect((error as EaselError).code).toBe('INVALID_MODEL');
    expect((error as EaselError).message).toMatch(/scheduler\/scheduler_config\.json key "prediction_type" is "flow_prediction"/);
  });

  it('reports v_prediction for an SD 2.x scheduler config', async () => {
    const dir = await modelWith('scheduler/scheduler_config.json', withKey('prediction_type', '"v_prediction"'));
    expect((await readModelFolder(dir)).config.predictionType).toBe('v_prediction');
  });
});

describe('predictionTypeOf', () => {
  it('defaults to epsilon as diffusers does', () => {
    expect(predictionTypeOf({})).toBe('epsilon');
  });
});

describe('samplingDefaultsOf', () => {
  it('gives ordinary models none', () => {
    expect(samplingDefaultsOf({ _name_or_path: 'runwayml/stable-diffusion-v1-5' }, { _class_name: 'PNDMScheduler' })).toEqual({ sources: [] });
  });

  it('reads LCM from the scheduler class', () => {
    expect(samplingDefaultsOf(undefined, { _class_name: 'LCMScheduler', timestep_spacing: 'leading' })).toMatchObject({
      sampler: 'LCM',
      steps: 4,
      guidance: 1,
      timestepSpacing: 'leading',
      sources: expect.arrayContaining(['scheduler/scheduler_config.json _class_name = LCMScheduler']),
    });
  });

  it('reads TCD from the scheduler class', () => {
    expect(samplingDefaultsOf({}, { _class_name: 'TCDScheduler' })).toMatchObject({ sampler: 'TCD', steps: 4, guidance: 0 });
  });

  it("reads SDXL-Turbo from model_index.json's _name_or_path, its sampler from the scheduler class", () => {
    const defaults = samplingDefaultsOf(
      { _name_or_path: 'stabilityai/sdxl-turbo' },
      { _class_name: 'EulerAncestralDiscreteScheduler', timestep_spacing: 'trailing' },
    );
    expect(defaults).toMatchObject({ sampler: 'EULER_A', steps: 1, guidance: 0, timestepSpacing: 'trailing' });
    expect(defaults.sources).toContain('model_index.json _name_or_path = stabilityai/sdxl-turbo');
  });

  it('recommends trailing spacing for a Turbo model whose config names none', () => {
    expect(samplingDefaultsOf({ _name_or_path: 'stabilityai/sd-turbo' }, { _class_name: 'EulerDiscreteScheduler' })).toMatchObject({
      sampler: 'EULER',
      timestepSpacing: 'trailing',
    });
  });

  it('reads an LCM-LoRA merge from its name, not from words that merely contain the letters', () => {
    expect(samplingDefaultsOf({ _name_or_path: 'me/dreamshaper-lcm-merged' }, { _class_name: 'EulerDiscreteScheduler' }).sampler).toBe('LCM');
    expect(samplingDefaultsOf({ _name_or_path: 'me/tcdlcmish' }, { _class_name: 'PNDMScheduler' })).toEqual({ sources: [] });
  });

  it('samples a Turbo model whose config names no spacing with trailing spacing, and leaves a named spacing alone', () => {
    const scheduler = { _class_name: 'EulerDiscreteScheduler', num_train_timesteps: 1000 };
    const turbo = samplingDefaultsOf({ _name_or_path: 'stabilityai/sd-turbo' }, scheduler);
    expect(samplingSchedulerConfig({ schedulerConfig: scheduler, samplingDefaults: turbo })).toEqual({ ...scheduler, timestep_spacing: 'trailing' });
    const named = { ...scheduler, timestep_spacing: 'leading' };
    expect(samplingSchedulerConfig({ schedulerConfig: named, samplingDefaults: turbo })).toBe(named);
    expect(samplingSchedulerConfig({ schedulerConfig: scheduler, samplingDefaults: { sources: [] } })).toBe(scheduler);
  });
});
