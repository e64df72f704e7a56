// OpenAI's size strings.
import { describe, expect, it } from 'vitest';
import { parseImageSize } from '../../../server/compat/image-size.js';

describe('parseImageSize', () => {
  it('reads WxH, and leaves auto or nothing to the model', () => {
    expect(parseImageSize('512x256')).toEqual({ width: 512, height: 256 });
    expect(parseImageSize('auto')).toEqual({});
    expect(parseImageSize(undefined)).toEqual({});
  });

  it('refuses anything else with the expected form', () => {
    for (const bad of ['512', '512*512', 'x512', '-8x8', '512x512x3', 'big']) {
      expect(() => parseImageSize(bad), bad).toThrow(/size must look like "512x512"/);
    }
  });
});
