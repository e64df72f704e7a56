import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../client/format-bytes.js';

describe('formatBytes', () => {
  it('reads sizes in binary units with one decimal below ten', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(88_000)).toBe('86 KB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  });
});
