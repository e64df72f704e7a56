// The `parameters` text an Easel PNG carries: AUTOMATIC1111's layout, the sampler's label, strength only for img2img.
import { describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../../../server/core/ports.js';
import { pngParameters } from '../../../../server/runner/pipeline/png-parameters.js';

const REQUEST: GenerationRequest = {
  jobId: 'j',
  prompt: 'a red circle on a blue background',
  negativePrompt: '',
  sampler: 'DPM_SOLVER_MULTISTEP_KARRAS',
  steps: 20,
  guidance: 7.5,
  seed: 1234,
  width: 512,
  height: 384,
  outputPath: '/tmp/x.png',
  previewEvery: 0,
};

describe('pngParameters', () => {
  it('writes a txt2img request as AUTOMATIC1111 does, with the sampler\'s label', () => {
    expect(pngParameters(REQUEST)).toEqual({
      parameters: 'a red circle on a blue background\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1234, Size: 512x384',
    });
  });

  it('adds the negative prompt and, for image to image, the denoising strength', () => {
    const text = pngParameters({ ...REQUEST, negativePrompt: 'green', initImageBase64: 'AAAA', strength: 0.35 }).parameters;
    expect(text).toBe('a red circle on a blue background\nNegative prompt: green\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1234, Size: 512x384, Denoising strength: 0.35');
  });
});
