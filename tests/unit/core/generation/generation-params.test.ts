import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../../server/core/errors.js';
import { LIMITS, resolveParams, sizeLimits, type GenerationInput } from '../../../../server/core/generation/generation-params.js';
import { SAMPLERS } from '../../../../server/core/schedulers/index.js';
import { fakeLoadedModel } from '../../../helpers/fake-runner.js';

// sampleSize 64 × vaeScaleFactor 8: native 512, sides 64..1024.
const model = fakeLoadedModel();
const img2imgModel = fakeLoadedModel({ hasVaeEncoder: true });

function resolve(input: Partial<GenerationInput>, options: { model?: typeof model; seed?: number } = {}) {
  return resolveParams({ prompt: 'a red fox', ...input }, options.model ?? model, 'EULER_A', () => options.seed ?? 1234);
}

function refusal(input: Partial<GenerationInput>, options: { model?: typeof model } = {}): EaselError {
  try {
    resolve(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(EaselError);
    expect((error as EaselError).code).toBe('INVALID_INPUT');
    return error as EaselError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('resolveParams', () => {
  it('fills in the pipeline sampler, 25 steps, guidance 7.5, an empty negative prompt and the native size', () => {
    expect(resolve({})).toEqual({
      prompt: 'a red fox',
      negativePrompt: '',
      sampler: 'EULER_A',
      steps: 25,
      guidance: 7.5,
      seeds: [1234],
      width: 512,
      height: 512,
    });
  });

  it("takes a distilled model's own sampler, steps and guidance when the request names none", () => {
    const turbo = fakeLoadedModel({ samplingDefaults: { sampler: 'EULER', steps: 1, guidance: 0, sources: ['model_index.json _name_or_path = stabilityai/sd-turbo'] } });
    expect(resolve({}, { model: turbo })).toMatchObject({ sampler: 'EULER', steps: 1, guidance: 0 });
    expect(resolve({ sampler: 'DDIM', steps: 4, guidance: 1.5 }, { model: turbo })).toMatchObject({ sampler: 'DDIM', steps: 4, guidance: 1.5 });
  });

  it('takes the native size from the model: sampleSize times vaeScaleFactor', () => {
    const sdxlLike = fakeLoadedModel({ sampleSize: 128, vaeScaleFactor: 8 });
    expect(sizeLimits(sdxlLike)).toEqual({ native: 1024, min: 64, max: 2048 });
    expect(resolve({}, { model: sdxlLike })).toMatchObject({ width: 1024, height: 1024 });
  });

  it('keeps every given value within its range', () => {
    const params = resolve({ negativePrompt: 'blurry', sampler: 'DDIM', steps: 40, guidance: 0, seed: 7, width: 768, height: 64 });
    expect(params).toMatchObject({ negativePrompt: 'blurry', sampler: 'DDIM', steps: 40, guidance: 0, seeds: [7], width: 768, height: 64 });
  });

  it('accepts the ends of every range', () => {
    expect(resolve({ steps: 1, guidance: 0, width: 64, height: 1024 })).toMatchObject({ steps: 1, guidance: 0, width: 64, height: 1024 });
    expect(resolve({ steps: 150, guidance: 30, count: 16 })).toMatchObject({ steps: 150, guidance: 30 });
  });

  it.each([
    [{ steps: 0 }, 'steps must be an integer from 1 to 150 (got 0)'],
    [{ steps: 151 }, 'steps must be an integer from 1 to 150 (got 151)'],
    [{ steps: 2.5 }, 'steps must be an integer from 1 to 150 (got 2.5)'],
    [{ guidance: -0.5 }, 'guidance must be a number from 0 to 30 (got -0.5)'],
    [{ guidance: 30.5 }, 'guidance must be a number from 0 to 30 (got 30.5)'],
    [{ guidance: Number.NaN }, 'guidance must be a number from 0 to 30 (got NaN)'],
    [{ width: 56 }, 'width must be an integer from 64 to 1024 (got 56)'],
    [{ width: 1032 }, 'width must be an integer from 64 to 1024 (got 1032)'],
    [{ height: 0 }, 'height must be an integer from 64 to 1024 (got 0)'],
    [{ height: 2048 }, 'height must be an integer from 64 to 1024 (got 2048)'],
    [{ count: 0 }, 'count must be an integer from 1 to 16 (got 0)'],
    [{ count: 17 }, 'count must be an integer from 1 to 16 (got 17)'],
    [{ seed: -1 }, 'seed must be an integer from 0 to'],
    [{ seed: 1.5 }, 'seed must be an integer from 0 to'],
  ] as Array<[Partial<GenerationInput>, string]>)('refuses %o with a message naming the parameter and its range', (input, message) => {
    expect(refusal(input).message).toContain(message);
  });

  it('refuses a side that is not a multiple of 8 and suggests the nearest one', () => {
    expect(refusal({ width: 500 }).message).toBe('width must be a multiple of 8 (got 500; try 504)');
    expect(refusal({ height: 517 }).message).toBe('height must be a multiple of 8 (got 517; try 520)');
  });

  it('refuses an unknown sampler and lists every valid one', () => {
    const message = refusal({ sampler: 'ddim' }).message;
    expect(message).toContain('Unknown sampler "ddim"');
    for (const { name } of SAMPLERS) expect(message).toContain(name);
  });

  it('also refuses an unknown sampler the pipeline itself was left with', () => {
    expect(() => resolveParams({ prompt: 'x' }, model, 'not-a-sampler', () => 1)).toThrow(/Unknown sampler "not-a-sampler"/);
  });

  it('gives one seed per image, counting up from the given seed', () => {
    expect(resolve({ seed: 41, count: 4 }).seeds).toEqual([41, 42, 43, 44]);
  });

  it('draws a random seed when none is given, once for all the images, and records it', () => {
    let draws = 0;
    const params = resolveParams({ prompt: 'x', count: 3 }, model, 'EULER', () => {
      draws += 1;
      return 900;
    });
    expect(draws).toBe(1);
    expect(params.seeds).toEqual([900, 901, 902]);
  });

  it('does not draw a random seed when one is given, even seed 0', () => {
    const params = resolveParams({ prompt: 'x', seed: 0 }, model, 'EULER', () => {
      throw new Error('no random seed should be drawn');
    });
    expect(params.seeds).toEqual([0]);
  });

  it('accepts the largest safe seed, and refuses seeds whose last image would pass it', () => {
    expect(resolve({ seed: LIMITS.seedMax }).seeds).toEqual([LIMITS.seedMax]);
    expect(resolve({ seed: LIMITS.seedMax - 1, count: 2 }).seeds).toEqual([LIMITS.seedMax - 1, LIMITS.seedMax]);
    expect(refusal({ seed: LIMITS.seedMax, count: 2 }).message).toContain(`seed must be an integer from 0 to ${LIMITS.seedMax - 1}`);
  });

  it('refuses image-to-image on a model without a vae_encoder', () => {
    expect(refusal({ image: 'iVBORw0KGgo=' }).message).toMatch(/no vae_encoder.*image-to-image/);
  });

  it('refuses a strength without an image', () => {
    expect(refusal({ strength: 0.5 }, { model: img2imgModel }).message).toMatch(/strength only applies to image-to-image; pass an image/);
  });

  it('takes an image and its strength on a model with a vae_encoder, strength 0.75 by default', () => {
    expect(resolve({ image: 'iVBORw0KGgo=', strength: 0.4 }, { model: img2imgModel })).toMatchObject({ initImageBase64: 'iVBORw0KGgo=', strength: 0.4 });
    expect(resolve({ image: 'iVBORw0KGgo=' }, { model: img2imgModel }).strength).toBe(0.75);
  });

  it.each([0, 1.5])('refuses strength %s with its range', (strength) => {
    expect(refusal({ image: 'iVBORw0KGgo=', strength }, { model: img2imgModel }).message).toBe(`strength must be a number from 0.01 to 1 (got ${strength})`);
  });

  it('strips a data URL prefix from the image', () => {
    expect(resolve({ image: 'data:image/png;base64,iVBORw0KGgo=' }, { model: img2imgModel }).initImageBase64).toBe('iVBORw0KGgo=');
    expect(resolve({ image: 'data:image/jpeg;base64,/9j/4AAQ' }, { model: img2imgModel }).initImageBase64).toBe('/9j/4AAQ');
  });

  it('leaves text-to-image without an image or strength', () => {
    const params = resolve({});
    expect(params).not.toHaveProperty('initImageBase64');
    expect(params).not.toHaveProperty('strength');
  });
});
