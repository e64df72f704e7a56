import { describe, expect, it } from 'vitest';
import { DEMO_VOCABULARY, demoTokenIds } from '../../../server/demo-model/clip-vocab.js';
import { encodeDemoTokens, HIDDEN } from '../../../server/demo-model/text-encoder.js';

/** Per-token [foreground count, background count] of a prompt's hidden states. */
function roles(prompt: string): Array<[number, number]> {
  const hidden = encodeDemoTokens(demoTokenIds(prompt));
  return Array.from({ length: 77 }, (_, i) => [hidden[i * HIDDEN.width + HIDDEN.foregroundCount]!, hidden[i * HIDDEN.width + HIDDEN.backgroundCount]!]);
}

describe('demo text encoder reference', () => {
  it('gives a colour the background role when "background" follows within two tokens', () => {
    // tokens: <start> a red circle on a blue background
    const r = roles('a red circle on a blue background');
    expect(r[2]).toEqual([1, 0]);
    expect(r[6]).toEqual([0, 1]);
    expect(roles('a blue coloured background')[2]).toEqual([0, 1]);
  });

  it('keeps a colour in the foreground when "background" comes three tokens later', () => {
    expect(roles('a blue circle on background')[2]).toEqual([1, 0]);
  });

  it('encodes nothing for the start token, the end token and anything after it', () => {
    const ids = demoTokenIds('red');
    ids[5] = DEMO_VOCABULARY.ids.get('blue</w>')!;
    const hidden = encodeDemoTokens(ids);
    const nonZero = [...new Set(Array.from(hidden.keys()).filter((i) => hidden[i] !== 0).map((i) => Math.floor(i / HIDDEN.width)))];
    expect(nonZero).toEqual([1]);
  });
});
