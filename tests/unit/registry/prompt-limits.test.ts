import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptLimits } from '../../../server/registry/prompt-limits.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

describe('PromptLimits', () => {
  let dir: string;
  let modelPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-prompt-limits-'));
    modelPath = await writeTinyModel(join(dir, 'tiny'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('says nothing about a prompt within the token limit', async () => {
    const limits = new PromptLimits();
    expect(await limits.warnings(modelPath, 77, { prompt: 'a red circle', negativePrompt: '' })).toEqual([]);
  });

  it('names the words past the limit, for the prompt and the negative prompt apart', async () => {
    const limits = new PromptLimits();
    const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima';
    const warnings = await limits.warnings(modelPath, 8, { prompt: words, negativePrompt: 'blurry' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^The prompt is \d+ tokens, past the model's limit of 6/);
    // The tiny vocabulary spells words letter by letter, so only the first few letters fit.
    expect(warnings[0]).toContain('juliet kilo lima"');
    expect(warnings[0]).not.toContain('alpha');
  });

  it('gives no warning, rather than failing the job, when the folder has no readable tokenizer', async () => {
    const limits = new PromptLimits();
    expect(await limits.warnings(join(dir, 'missing'), 8, { prompt: 'x '.repeat(100), negativePrompt: '' })).toEqual([]);
  });
});
