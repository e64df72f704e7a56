// Builds CLIP-shaped tokenizer files for tests: byte alphabet, its </w> forms, merge results, then BOS and EOS last.
//
// Real CLIP vocab.json has exactly this layout (49,408 entries: 256 + 256 + 48,894 merges + 2), so a merge pinned at
// rank r gets id 512 + r as in the real file, and BOS/EOS land on 49406/49407 when mergeCount is CLIP_MERGE_COUNT.
// The byte alphabet is rebuilt here on its own, independently of the code under test.

export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

function buildAlphabet(): { byByte: string[]; inVocabOrder: string[] } {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const byByte: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) byByte.push(String.fromCharCode(printable(b) ? b : next++));
  const inVocabOrder = [
    ...byByte.filter((_, b) => printable(b)),
    ...byByte.filter((_, b) => !printable(b)),
  ];
  return { byByte, inVocabOrder };
}

const ALPHABET = buildAlphabet();

/** The byte-alphabet spelling of `text` (its UTF-8 bytes, one character each), for writing merges of non-ASCII words. */
export function byteText(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => ALPHABET.byByte[b]).join('');
}

export interface ClipVocabSpec {
  /** Merge lines ("left right") in rank order; they fill the lowest free ranks. */
  merges?: string[];
  /** Merge lines placed at a given rank, to reproduce a real CLIP id (id = 512 + rank). */
  pinned?: Record<string, number>;
  /** Total number of merges; free ranks get filler merges no real word can reach. */
  mergeCount?: number;
  /** Leave out the "#version: 0.2" header line of merges.txt. */
  withoutHeader?: boolean;
}

export interface ClipVocabFiles {
  vocab: Record<string, number>;
  vocabJsonText: string;
  mergesText: string;
}

export function buildClipVocab(spec: ClipVocabSpec = {}): ClipVocabFiles {
  const merges = spec.merges ?? [];
  const pinned = Object.entries(spec.pinned ?? {});
  const count = spec.mergeCount ?? merges.length + pinned.length;
  const slots: (string | undefined)[] = new Array(count).fill(undefined);
  for (const [line, rank] of pinned) {
    if (slots[rank] !== undefined) throw new Error(`rank ${rank} is pinned twice`);
    slots[rank] = line;
  }
  let free = 0;
  for (const line of merges) {
    while (slots[free] !== undefined) free++;
    if (free >= count) throw new Error('mergeCount is too small for the merges given');
    slots[free] = line;
  }
  // Private-use characters never come out of the byte alphabet, so these merges never fire.
  const lines = slots.map((line, rank) => line ?? `\ue000 f${rank}`);

  const tokens = [...ALPHABET.inVocabOrder, ...ALPHABET.inVocabOrder.map((s) => `${s}</w>`)];
  for (const line of lines) tokens.push(line.replace(' ', ''));
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  const header = spec.withoutHeader ? [] : ['#version: 0.2'];
  return { vocab, vocabJsonText: JSON.stringify(vocab), mergesText: `${[...header, ...lines].join('\n')}\n` };
}
