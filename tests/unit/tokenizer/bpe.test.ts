import { describe, expect, it } from 'vitest';
import { bytePairEncode, parseMerges } from '../../../server/core/tokenizer/bpe.js';

describe('parseMerges', () => {
  it('ranks merges by line order after the version header, skipping blank lines', () => {
    const ranks = parseMerges('#version: 0.2\r\na b\n\nab c\n');
    expect([...ranks]).toEqual([['a b', 0], ['ab c', 1]]);
  });

  it('treats a first line without "#version" as a merge', () => {
    expect(parseMerges('a b\nb c').get('a b')).toBe(0);
  });
});

describe('bytePairEncode', () => {
  it('applies the lowest-ranked merge first', () => {
    const ranks = parseMerges('b c</w>\na b\n');
    expect(bytePairEncode('abc', ranks)).toEqual(['a', 'bc</w>']);
  });

  it('merges every non-overlapping occurrence of a pair in one pass, left to right', () => {
    const ranks = parseMerges('a a\n');
    expect(bytePairEncode('aaaaa', ranks)).toEqual(['aa', 'aa', 'a</w>']);
  });

  it('marks a single-symbol word as a word end', () => {
    expect(bytePairEncode('x', new Map())).toEqual(['x</w>']);
    expect(bytePairEncode('', new Map())).toEqual([]);
  });
});
