import { describe, expect, it } from 'vitest';
import { cleanPrompt } from '../../../server/core/tokenizer/text-clean.js';

describe('cleanPrompt', () => {
  it('collapses whitespace runs of any kind to one space, trims and lower-cases', () => {
    expect(cleanPrompt('  A\tPhoto\n\nOF\u00a0a\u2003CAT \u2028')).toBe('a photo of a cat');
  });

  it('composes decomposed characters (NFC)', () => {
    expect(cleanPrompt('Cafe\u0301')).toBe('caf\u00e9');
  });

  it('unescapes HTML entities, twice-escaped ones included', () => {
    expect(cleanPrompt('fish &amp; chips')).toBe('fish & chips');
    expect(cleanPrompt('Tom &amp;amp; Jerry &#233;t&#xE9;')).toBe('tom & jerry été');
  });

  it('straightens curly quotes and splits Latin ligatures', () => {
    expect(cleanPrompt('\u201cdon\u2019t\u201d \ufb01sh')).toBe('"don\'t" fish');
  });

  it('maps full-width forms and the ideographic space to plain ones', () => {
    expect(cleanPrompt('\uff23\uff21\uff34\u3000\uff11')).toBe('cat 1');
  });

  it('drops control characters and terminal colour codes', () => {
    expect(cleanPrompt('\x1b[31mred\x1b[0m\u0000 cat\ufeff\u200b')).toBe('red cat\u200b');
  });

  it('reads stray C1 controls as Windows-1252', () => {
    expect(cleanPrompt('\x93quoted\x94 \x85')).toBe('"quoted" \u2026');
  });
});
