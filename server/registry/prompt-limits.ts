// Words a model would never see: CLIP reads at most its token limit (77 with BOS and EOS for SD), and the rest of a
// longer prompt is cut. Easel still accepts such a prompt, but tells the caller which words were dropped. Each
// model's tokenizer is read from its folder once and kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClipTokenizer } from '../core/tokenizer/index.js';

const MAX_TOKENIZERS = 8;

export class PromptLimits {
  private readonly tokenizers = new Map<string, Promise<ClipTokenizer | null>>();

  /** One warning per prompt (prompt, negative prompt) that runs past `maxLength` tokens, naming the dropped words. */
  async warnings(modelPath: string, maxLength: number, texts: { prompt: string; negativePrompt: string }): Promise<string[]> {
    const tokenizer = await this.tokenizer(modelPath);
    if (!tokenizer) return [];
    const warnings: string[] = [];
    for (const [label, text] of [['prompt', texts.prompt], ['negative prompt', texts.negativePrompt]] as const) {
      const ids = tokenizer.tokenize(text);
      const room = maxLength - 2;
      if (ids.length <= room) continue;
      const dropped = tokenizer.decode(ids.slice(room));
      warnings.push(`The ${label} is ${ids.length} tokens, past the model's limit of ${room}; these words are not seen by the model: "${dropped}"`);
    }
    return warnings;
  }

  private tokenizer(modelPath: string): Promise<ClipTokenizer | null> {
    let tokenizer = this.tokenizers.get(modelPath);
    if (!tokenizer) {
      if (this.tokenizers.size >= MAX_TOKENIZERS) this.tokenizers.delete(this.tokenizers.keys().next().value!);
      // A folder whose tokenizer can't be read is refused at load with a clear error; here it only means no warning.
      tokenizer = Promise.all([
        readFile(join(modelPath, 'tokenizer/vocab.json'), 'utf8'),
        readFile(join(modelPath, 'tokenizer/merges.txt'), 'utf8'),
        readFile(join(modelPath, 'tokenizer/tokenizer_config.json'), 'utf8').catch(() => undefined),
      ]).then(
        ([vocab, merges, config]) => ClipTokenizer.fromFiles(vocab, merges, config),
        () => null,
      );
      this.tokenizers.set(modelPath, tokenizer);
    }
    return tokenizer;
  }
}
