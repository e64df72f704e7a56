import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../server/core/tokenizer/index.js';
import { buildDemoModel, DEMO_WORDS, demoTokenIds } from '../../../server/demo-model/index.js';

describe('demo tokenizer files read by the project CLIP tokenizer', () => {
  let dir: string;
  let tokenizer: ClipTokenizer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-demo-tokenizer-'));
    await buildDemoModel(dir);
    const read = (name: string) => readFile(join(dir, 'tokenizer', name), 'utf8');
    tokenizer = ClipTokenizer.fromFiles(await read('vocab.json'), await read('merges.txt'), await read('tokenizer_config.json'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('tokenizes "a red circle on a blue background" to one token per word', () => {
    const { inputIds, attentionMask } = tokenizer.encode('a red circle on a blue background', { maxLength: 77 });
    expect(inputIds).toEqual(Array.from(demoTokenIds('a red circle on a blue background')));
    expect(attentionMask.filter((m) => m === 1)).toHaveLength(9);
    expect(tokenizer.decode(inputIds)).toBe('a red circle on a blue background');
  });

  it('agrees with the demo reference on every demo word and on unknown words and punctuation', () => {
    for (const prompt of [DEMO_WORDS.join(' '), 'Zebra-striped, neon RED star!! on 3 backgrounds', '']) {
      expect(tokenizer.encode(prompt, { maxLength: 77 }).inputIds, prompt).toEqual(Array.from(demoTokenIds(prompt)));
    }
  });
});
