// CLIP's byte-level BPE tokenizer (OpenAI simple_tokenizer / HF CLIPTokenizer behaviour): prompt in, fixed-length ids out.
import { EaselError } from '../errors.js';
import { bytePairEncode, parseMerges, WORD_END } from './bpe.js';
import { fromByteSymbols, toByteSymbols } from './byte-level.js';
import { cleanPrompt } from './text-clean.js';
import { readTokenizerConfig } from './tokenizer-config.js';

const START_OF_TEXT = '<|startoftext|>';
const END_OF_TEXT = '<|endoftext|>';
// CLIP's pre-tokenizer: special tokens, English contractions, letter runs, single digits, runs of anything else.
const PRE_TOKENIZER = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;
// Prompts repeat words a lot; the bound only guards a long-lived server against unbounded distinct input.
const WORD_CACHE_LIMIT = 50_000;

export interface ClipTokenizerOptions {
  /** Parsed vocab.json: token → id. */
  vocab: Record<string, number>;
  /** Text of merges.txt. */
  merges: string;
  /** tokenizer_config.json's pad_token (e.g. "!" for SD 2.x); padding uses EOS when absent. */
  padToken?: string;
  /** Token for BPE pieces missing from the vocabulary; EOS when absent, as in HF's CLIPTokenizer. */
  unkToken?: string;
}

export interface EncodeOptions {
  /** Length of the output, BOS and EOS included (the text encoder's max_position_embeddings, 77 for CLIP). */
  maxLength?: number;
  /** Overrides the pad id chosen at construction. */
  padId?: number;
}

export interface EncodedPrompt {
  inputIds: number[];
  /** 1 for BOS, prompt tokens and EOS; 0 for padding. */
  attentionMask: number[];
}

function tokenId(vocab: ReadonlyMap<string, number>, token: string, role: string): number {
  const id = vocab.get(token);
  if (id === undefined) {
    throw new EaselError('INVALID_MODEL', `tokenizer/vocab.json has no entry for the ${role} token "${token}"`);
  }
  return id;
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly unkId: number;
  // A Map, so that pieces such as "constructor" never resolve to Object.prototype members.
  private readonly vocab = new Map<string, number>();
  private readonly tokensById = new Map<number, string>();
  private readonly ranks: Map<string, number>;
  private readonly wordCache = new Map<string, number[]>();

  constructor(options: ClipTokenizerOptions) {
    for (const [token, id] of Object.entries(options.vocab)) {
      if (!Number.isInteger(id) || id < 0) {
        throw new EaselError('INVALID_MODEL', `tokenizer/vocab.json maps "${token}" to ${String(id)}, not a non-negative integer id`);
      }
      this.vocab.set(token, id);
      this.tokensById.set(id, token);
    }
    this.ranks = parseMerges(options.merges);
    this.bosId = tokenId(this.vocab, START_OF_TEXT, 'start-of-text');
    this.eosId = tokenId(this.vocab, END_OF_TEXT, 'end-of-text');
    this.padId = options.padToken === undefined ? this.eosId : tokenId(this.vocab, options.padToken, 'pad');
    this.unkId = options.unkToken === undefined ? this.eosId : tokenId(this.vocab, options.unkToken, 'unknown');
  }

  /** Builds a tokenizer from the texts of vocab.json and merges.txt, plus tokenizer_config.json when the model has one. */
  static fromFiles(vocabJsonText: string, mergesText: string, tokenizerConfig?: string | Record<string, unknown>): ClipTokenizer {
    let vocab: unknown;
    try {
      vocab = JSON.parse(vocabJsonText);
    } catch (cause) {
      throw new EaselError('INVALID_MODEL', 'tokenizer/vocab.json is not valid JSON', { cause });
    }
    if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) {
      throw new EaselError('INVALID_MODEL', 'tokenizer/vocab.json should be an object mapping tokens to ids');
    }
    const config = tokenizerConfig === undefined ? {} : readTokenizerConfig(tokenizerConfig);
    return new ClipTokenizer({ vocab: vocab as Record<string, number>, merges: mergesText, ...config });
  }

  /** Token ids of the prompt without BOS/EOS, untruncated. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const match of cleanPrompt(text).matchAll(PRE_TOKENIZER)) {
      ids.push(...this.wordIds(match[0]));
    }
    return ids;
  }

  /** [BOS, …prompt, EOS] cut to maxLength with EOS kept last, then padded to exactly maxLength. */
  encode(text: string, options: EncodeOptions = {}): EncodedPrompt {
    const maxLength = options.maxLength ?? 77;
    if (!Number.isInteger(maxLength) || maxLength < 2) {
      throw new EaselError('INVALID_INPUT', `maxLength must be an integer of at least 2 (room for BOS and EOS), got ${maxLength}`);
    }
    const padId = options.padId ?? this.padId;
    const body = this.tokenize(text).slice(0, maxLength - 2);
    const inputIds = [this.bosId, ...body, this.eosId];
    const attentionMask = new Array<number>(inputIds.length).fill(1);
    while (inputIds.length < maxLength) {
      inputIds.push(padId);
      attentionMask.push(0);
    }
    return { inputIds, attentionMask };
  }

  /**
   * Text of the ids, words separated by single spaces. By default BOS is dropped and decoding stops at the first EOS,
   * so padding never shows, whatever the pad token; `skipSpecialTokens: false` decodes every id.
   */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    let symbols = '';
    for (const id of ids) {
      if (skip && id === this.eosId) break;
      if (skip && id === this.bosId) continue;
      const token = this.tokensById.get(id);
      if (token === undefined) throw new EaselError('INVALID_INPUT', `token id ${id} is not in the tokenizer's vocabulary`);
      symbols += token;
    }
    return fromByteSymbols(symbols).replaceAll(WORD_END, ' ').trim();
  }

  private wordIds(word: string): number[] {
    const cached = this.wordCache.get(word);
    if (cached !== undefined) return cached;
    let ids: number[];
    if (word === START_OF_TEXT) ids = [this.bosId];
    else if (word === END_OF_TEXT) ids = [this.eosId];
    else ids = bytePairEncode(toByteSymbols(word), this.ranks).map((piece) => this.vocab.get(piece) ?? this.unkId);
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(word, ids);
    return ids;
  }
}
