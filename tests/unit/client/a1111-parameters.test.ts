// AUTOMATIC1111's `parameters` text: Easel's own output, and a real A1111 line with quoted values, read back.
import { describe, expect, it } from 'vitest';
import { formatParameters, parseParameters } from '../../../client/a1111-parameters.js';

describe('A1111 parameters', () => {
  it('formats in AUTOMATIC1111\'s layout and reads its own output back', () => {
    const p = { prompt: 'a red circle\non blue', negativePrompt: 'green', sampler: 'DPM++ 2M Karras', steps: 20, guidance: 7.5, seed: 42, width: 512, height: 384, strength: 0.6 };
    const text = formatParameters(p);
    expect(text).toBe('a red circle\non blue\nNegative prompt: green\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 42, Size: 512x384, Denoising strength: 0.6');
    expect(parseParameters(text)).toEqual(p);
  });

  it('leaves the negative prompt line out when there is none', () => {
    expect(formatParameters({ prompt: 'a star', negativePrompt: '', steps: 4 })).toBe('a star\nSteps: 4');
    expect(parseParameters('a star\nSteps: 4')).toEqual({ prompt: 'a star', negativePrompt: '', steps: 4 });
  });

  it('reads a line written by AUTOMATIC1111, quoted values and unknown keys included', () => {
    const text = 'castle, sunset\nNegative prompt: lowres\nSteps: 30, Sampler: Euler a, Schedule type: Karras, CFG scale: 6, Seed: 123, Size: 768x512, Model hash: abc123, Lora hashes: "a: 1, b: 2", Version: v1.9.0';
    expect(parseParameters(text)).toEqual({ prompt: 'castle, sunset', negativePrompt: 'lowres', sampler: 'Euler a', steps: 30, guidance: 6, seed: 123, width: 768, height: 512 });
  });

  it('answers undefined for text that is not A1111 parameters', () => {
    expect(parseParameters('Created with some other tool')).toBeUndefined();
  });
});
