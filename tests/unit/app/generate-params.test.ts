// The Generate form's checks (no NaN reaches the server) and the Register form's id from a folder.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, fieldErrors, toStartInput } from '../../../app/_generate/params.js';
import { modelIdFromFolder } from '../../../app/models/model-id.js';

const valid = { ...DEFAULT_PARAMS, prompt: 'a red circle' };

describe('generation form checks', () => {
  it('accepts the defaults with a prompt and sends numbers', () => {
    expect(fieldErrors(valid)).toEqual({});
    expect(toStartInput({ ...valid, seed: '7' }, 'easel-demo')).toMatchObject({ model: 'easel-demo', steps: 25, guidance: 7.5, seed: 7, count: 1 });
  });

  it('names each bad field instead of sending NaN', () => {
    const errors = fieldErrors({ ...valid, steps: '', guidance: 'x', count: '17', seed: '4294967296' });
    expect(errors.steps).toBe('Enter steps (1–150).');
    expect(errors.guidance).toMatch(/from 0 to 30/);
    expect(errors.count).toMatch(/from 1 to 16/);
    expect(errors.seed).toBe('The seed must be from 0 to 4294967295.');
  });

  it('leaves room in the seed range for every image of a batch', () => {
    expect(fieldErrors({ ...valid, count: '4', seed: String(2 ** 32 - 4) })).toEqual({});
    expect(fieldErrors({ ...valid, count: '4', seed: String(2 ** 32 - 3) }).seed).toBe('The seed must be from 0 to 4294967292.');
  });

  it('sends the initial image without its data-URL prefix, with the strength', () => {
    expect(toStartInput({ ...valid, image: 'data:image/png;base64,AAAA', strength: 0.4 }, 'm')).toMatchObject({ image: 'AAAA', strength: 0.4 });
  });
});

describe('model id from a folder', () => {
  it('takes the folder name, never a trailing separator', () => {
    expect(modelIdFromFolder('/data/models/SD-shaped (random weights)/')).toBe('sd-shaped-random-weights');
    expect(modelIdFromFolder('my-model')).toBe('my-model');
    expect(modelIdFromFolder('  ')).toBe('');
  });
});
