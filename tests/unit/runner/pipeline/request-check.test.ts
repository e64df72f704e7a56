import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../../server/core/errors.js';
import type { GenerationRequest, LoadedModel } from '../../../../server/core/ports.js';
import { checkGenerationRequest } from '../../../../server/runner/pipeline/request-check.js';

const model = {
  sampleSize: 64,
  vaeScaleFactor: 8,
  vaeScalingFactor: 0.18215,
  latentChannels: 4,
  tokenizerMaxLength: 77,
  parts: [],
  hasVaeEncoder: true,
  schedulerConfig: {},
  device: 'cpu',
} satisfies LoadedModel;

const valid: GenerationRequest = {
  jobId: 'job-1',
  prompt: 'a red circle',
  negativePrompt: '',
  sampler: 'EULER',
  steps: 20,
  guidance: 7.5,
  seed: 1,
  width: 512,
  height: 512,
  outputPath: '/tmp/out.png',
  previewEvery: 5,
};

function refusal(request: GenerationRequest, onModel: LoadedModel = model): EaselError {
  try {
    checkGenerationRequest(request, onModel);
  } catch (error) {
    if (error instanceof EaselError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('the runner-side request check', () => {
  it('accepts a valid text-to-image and image-to-image request', () => {
    expect(() => checkGenerationRequest(valid, model)).not.toThrow();
    expect(() => checkGenerationRequest({ ...valid, initImageBase64: 'iVBORw0KGgo=', strength: 0.5 }, model)).not.toThrow();
  });

  it.each([
    [{ width: 100 }, /width must be a multiple of 8 \(got 100; try 104\)/],
    [{ height: 32 }, /height must be an integer from 64 to 1024/],
    [{ width: 2048 }, /width must be an integer from 64 to 1024/],
    [{ steps: 0 }, /steps must be an integer from 1 to 150/],
    [{ steps: 2.5 }, /steps must be an integer/],
    [{ guidance: 31 }, /guidance must be a number from 0 to 30/],
    [{ guidance: Number.NaN }, /guidance must be a number/],
    [{ seed: -1 }, /seed must be an integer/],
    [{ sampler: 'FANCY' }, /Unknown sampler "FANCY"; choose one of EULER_A, /],
    [{ outputPath: '' }, /outputPath must be a non-empty string/],
    [{ previewEvery: -1 }, /previewEvery must be an integer/],
    [{ strength: 0.5 }, /strength only applies to image-to-image/],
    [{ initImageBase64: 'iVBORw0KGgo=', strength: 0 }, /strength must be a number above 0 and at most 1/],
    [{ initImageBase64: 'iVBORw0KGgo=' }, /strength must be a number above 0/],
  ] as Array<[Partial<GenerationRequest>, RegExp]>)('refuses %j as INVALID_INPUT naming the field', (change, message) => {
    const error = refusal({ ...valid, ...change });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(message);
  });

  it('refuses image-to-image on a model without a vae_encoder', () => {
    const error = refusal({ ...valid, initImageBase64: 'iVBORw0KGgo=', strength: 0.5 }, { ...model, hasVaeEncoder: false });
    expect(error.message).toBe('this model has no vae_encoder; image-to-image is not available');
  });
});
