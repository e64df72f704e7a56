// The demo's CLIP tokenizer files (byte-level BPE vocab.json + merges.txt, laid out as OpenAI's CLIP has
// them) and the prompt → token ids mapping they imply, used by the reference renderer.
import { DEMO_WORDS } from './words.js';

export const MAX_TOKENS = 77;
export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';
const WORD_END = '</w>';

/** CLIP's reversible byte → printable character table, in CLIP's vocabulary order. */
function byteSymbols(): { ordered: string[]; byByte: string[] } {
  const bytes: number[] = [];
  for (const [from, to] of [[33, 126], [161, 172], [174, 255]] as const) for (let b = from; b <= to; b++) bytes.push(b);
  const codes = [...bytes];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      codes.push(256 + extra++);
    }
  }
  const byByte: string[] = new Array<string>(256);
  bytes.forEach((b, i) => (byByte[b] = String.fromCodePoint(codes[i]!)));
  return { ordered: codes.map((c) => String.fromCodePoint(c)), byByte };
}

const BYTES = byteSymbols();

/** Byte-pair encodes one pre-tokenized word: lowest-ranked adjacent pair first, as CLIP does. */
function bpe(word: string, ranks: ReadonlyMap<string, number>): string[] {
  const chars = Array.from(word);
  let pieces = [...chars.slice(0, -1), `${chars[chars.length - 1]}${WORD_END}`];
  for (;;) {
    let best: string | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < pieces.length; i++) {
      const rank = ranks.get(`${pieces[i]} ${pieces[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [`${pieces[i]} ${pieces[i + 1]}`, rank];
    }
    if (best === undefined) return pieces;
    const [left, right] = best.split(' ') as [string, string];
    const merged: string[] = [];
    for (let i = 0; i < pieces.length; i++) {
      if (pieces[i] === left && pieces[i + 1] === right) {
        merged.push(left + right);
        i++;
      } else merged.push(pieces[i]!);
    }
    pieces = merged;
  }
}

interface ClipVocabulary {
  /** Tokens in id order. */
  tokens: string[];
  ids: Map<string, number>;
  merges: Array<[string, string]>;
  ranks: Map<string, number>;
}

/** Builds merges that turn each demo word into the single token `word</w>`: each new merge joins the first
 * two pieces the current merges leave, and ranks after all earlier ones, so earlier words stay whole. */
function buildVocabulary(): ClipVocabulary {
  const merges: Array<[string, string]> = [];
  const ranks = new Map<string, number>();
  for (const word of DEMO_WORDS) {
    for (let pieces = bpe(word, ranks); pieces.length > 1; pieces = bpe(word, ranks)) {
      ranks.set(`${pieces[0]} ${pieces[1]}`, merges.length);
      merges.push([pieces[0]!, pieces[1]!]);
    }
  }
  const tokens = [...BYTES.ordered, ...BYTES.ordered.map((s) => s + WORD_END)];
  const seen = new Set(tokens);
  for (const [a, b] of merges) {
    if (!seen.has(a + b)) tokens.push(a + b);
    seen.add(a + b);
  }
  tokens.push(START_TOKEN, END_TOKEN);
  return { tokens, ids: new Map(tokens.map((t, i) => [t, i])), merges, ranks };
}

export const DEMO_VOCABULARY: ClipVocabulary = buildVocabulary();

/** vocab.json as CLIP stores it: one line, tokens in id order. */
export function vocabJson(): string {
  return `{${DEMO_VOCABULARY.tokens.map((t, i) => `${JSON.stringify(t)}:${i}`).join(',')}}\n`;
}

export function mergesTxt(): string {
  return `#version: 0.2\n${DEMO_VOCABULARY.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`;
}

// CLIP's pre-tokenizer pattern (special tokens, English contractions, letter runs, single digits, symbol runs).
const PRE_TOKEN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

/** Token ids of a prompt as a CLIP tokenizer with the demo's files gives them: start token, at most 75
 * tokens, end token, then end tokens as padding up to 77. */
export function demoTokenIds(prompt: string): Int32Array {
  const { ids, ranks } = DEMO_VOCABULARY;
  const text = prompt.replace(/\s+/g, ' ').trim().toLowerCase();
  const body: number[] = [];
  for (const [piece] of text.matchAll(PRE_TOKEN)) {
    if (piece === START_TOKEN || piece === END_TOKEN) {
      body.push(ids.get(piece)!);
      continue;
    }
    const symbols = Array.from(new TextEncoder().encode(piece), (b) => BYTES.byByte[b]!).join('');
    for (const token of bpe(symbols, ranks)) body.push(ids.get(token)!);
  }
  const endId = ids.get(END_TOKEN)!;
  const out = new Int32Array(MAX_TOKENS).fill(endId);
  out[0] = ids.get(START_TOKEN)!;
  out.set(body.slice(0, MAX_TOKENS - 2), 1);
  return out;
}
