import { describe, expect, it } from 'vitest';
import { DEMO_VOCABULARY, demoTokenIds, mergesTxt, vocabJson } from '../../../server/demo-model/clip-vocab.js';
import { DEMO_COLOURS, DEMO_SHAPES, DEMO_WORDS } from '../../../server/demo-model/index.js';

const { tokens, ids } = DEMO_VOCABULARY;
const idOf = (token: string) => ids.get(token)!;

describe('demo CLIP vocabulary', () => {
  it('starts with the 256 byte symbols, then their end-of-word forms, and ends with the start and end tokens', () => {
    expect(tokens.slice(0, 3)).toEqual(['!', '"', '#']);
    expect(tokens[255]).toBe('Ń');
    expect(tokens[256]).toBe('!</w>');
    expect(tokens.slice(0, 256).every((t, i) => tokens[256 + i] === `${t}</w>`)).toBe(true);
    expect(tokens.slice(-2)).toEqual(['<|startoftext|>', '<|endoftext|>']);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('has at least 8 colours and 6 shapes among its words', () => {
    expect(Object.keys(DEMO_COLOURS).length).toBeGreaterThanOrEqual(8);
    expect(DEMO_SHAPES.length).toBeGreaterThanOrEqual(6);
  });

  it('keeps every demo word whole as one end-of-word token', () => {
    for (const word of DEMO_WORDS) {
      expect(Array.from(demoTokenIds(word)).slice(0, 3), word).toEqual([idOf('<|startoftext|>'), idOf(`${word}</w>`), idOf('<|endoftext|>')]);
    }
  });

  it('writes merges.txt with a version line and one merge per line whose result is in vocab.json', () => {
    const lines = mergesTxt().trimEnd().split('\n');
    expect(lines[0]).toBe('#version: 0.2');
    const vocab = JSON.parse(vocabJson()) as Record<string, number>;
    for (const line of lines.slice(1)) {
      const [a, b, extra] = line.split(' ');
      expect(extra).toBeUndefined();
      expect(vocab[`${a}${b}`], line).toBeTypeOf('number');
    }
  });

  it('writes vocab.json mapping each token to its id', () => {
    const vocab = JSON.parse(vocabJson()) as Record<string, number>;
    expect(Object.keys(vocab)).toHaveLength(tokens.length);
    tokens.forEach((t, i) => expect(vocab[t]).toBe(i));
  });

  it('tokenizes a prompt to start, words, end and end-token padding up to 77', () => {
    const result = Array.from(demoTokenIds('  A Red circle on a BLUE background '));
    const words = ['a', 'red', 'circle', 'on', 'a', 'blue', 'background'].map((w) => idOf(`${w}</w>`));
    expect(result).toHaveLength(77);
    expect(result.slice(0, 9)).toEqual([idOf('<|startoftext|>'), ...words, idOf('<|endoftext|>')]);
    expect(result.slice(9).every((id) => id === idOf('<|endoftext|>'))).toBe(true);
  });

  it('splits unknown words and punctuation into several known pieces', () => {
    const result = Array.from(demoTokenIds('zebra, red'));
    const body = result.slice(1, result.indexOf(idOf('<|endoftext|>')));
    expect(body.length).toBeGreaterThan(3);
    expect(body).toContain(idOf(',</w>'));
    expect(body.at(-1)).toBe(idOf('red</w>'));
  });

  it('keeps at most 75 prompt tokens between the start and end tokens', () => {
    const result = Array.from(demoTokenIds('red '.repeat(100)));
    expect(result).toHaveLength(77);
    expect(result.slice(1, 76).every((id) => id === idOf('red</w>'))).toBe(true);
    expect(result[76]).toBe(idOf('<|endoftext|>'));
  });
});
