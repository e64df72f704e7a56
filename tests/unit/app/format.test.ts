// How ages read on the Nodes page: whole seconds up to a minute, longer ones in minutes, a clock ahead as now.
import { describe, expect, it } from 'vitest';
import { formatAge } from '../../../app/_lib/format.js';

describe('formatAge', () => {
  it('reads whole seconds under a minute', () => {
    expect(formatAge(0)).toBe('0 s ago');
    expect(formatAge(999)).toBe('0 s ago');
    expect(formatAge(4_700)).toBe('4 s ago');
    expect(formatAge(59_999)).toBe('59 s ago');
  });

  it('reads minutes past a minute', () => {
    expect(formatAge(125_000)).toBe('2 min 5 s ago');
  });

  it('reads a timestamp a little ahead of this clock as now', () => {
    expect(formatAge(-800)).toBe('0 s ago');
  });
});
