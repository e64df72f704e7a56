import { describe, expect, it } from 'vitest';
import { rotate, switchChain } from '../../../bench/sequences.js';

describe('bench run orders', () => {
  it('chains A, B, B, A, A, B with switches and repeats alternating', () => {
    expect(switchChain(3).map((job) => `${'AB'[job.model]}:${job.kind}`)).toEqual([
      'A:first',
      'B:switch',
      'B:same',
      'A:switch',
      'A:same',
      'B:switch',
      'B:same',
    ]);
  });

  it('labels every job by whether its model differs from the one before', () => {
    const chain = switchChain(5);
    expect(chain.filter((job) => job.kind === 'switch')).toHaveLength(5);
    expect(chain.filter((job) => job.kind === 'same')).toHaveLength(5);
    chain.slice(1).forEach((job, i) => expect(job.kind === 'switch').toBe(job.model !== chain[i]!.model));
  });

  it('rotates left by any whole number of places without changing the input', () => {
    const items = ['a', 'b', 'c'];
    expect(rotate(items, 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(items, 4)).toEqual(['b', 'c', 'a']);
    expect(rotate(items, -1)).toEqual(['c', 'a', 'b']);
    expect(rotate([], 2)).toEqual([]);
    expect(items).toEqual(['a', 'b', 'c']);
  });
});
