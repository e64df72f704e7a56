import { describe, expect, it } from 'vitest';
import { c1AsWindows1252, unescapeHtml } from '../../../server/core/tokenizer/html-entities.js';

describe('unescapeHtml', () => {
  it('resolves named entities with a semicolon', () => {
    expect(unescapeHtml('&lt;3 &quot;hi&quot; &hellip;')).toBe('<3 "hi" \u2026');
  });

  it('resolves the legacy names without a semicolon, as HTML5 allows', () => {
    expect(unescapeHtml('a &amp b &ampx &copy2024')).toBe('a & b &x \u00a92024');
  });

  it('leaves unknown names as written', () => {
    expect(unescapeHtml('&bogus; &')).toBe('&bogus; &');
  });

  it('resolves decimal and hexadecimal references, reading 128–159 as Windows-1252', () => {
    expect(unescapeHtml('&#65;&#x42;&#X43 &#128; &#0065;')).toBe('ABC \u20ac A');
  });

  it('replaces impossible code points and drops forbidden ones', () => {
    expect(unescapeHtml('[&#0;][&#xD800;][&#99999999999;][&#1;][&#xFFFF;]')).toBe('[\ufffd][\ufffd][\ufffd][][]');
  });
});

describe('c1AsWindows1252', () => {
  it('keeps code points that Windows-1252 leaves undefined', () => {
    expect(c1AsWindows1252('\x80')).toBe('\u20ac');
    expect(c1AsWindows1252('\x81')).toBe('\x81');
    expect(c1AsWindows1252('a')).toBe('a');
  });
});
