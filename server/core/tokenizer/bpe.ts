// Byte-pair merging of one pre-tokenized word, with merge priorities taken from merges.txt.
import { EaselError } from '../errors.js';

export const WORD_END = '</w>';

/** Merge ranks keyed by "left right"; the "#version" header line is skipped when present. */
export function parseMerges(text: string): Map<string, number> {
  const ranks = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) {
      throw new EaselError(
        'INVALID_MODEL',
        `merges.txt line ${index + 1} should hold two symbols separated by a space, found "${line.slice(0, 80)}"`,
      );
    }
    // A repeated pair keeps its last rank, as Python's dict(zip(merges, range(...))) does.
    ranks.set(`${parts[0]} ${parts[1]}`, ranks.size);
  });
  return ranks;
}

/** Splits a word (already in the byte alphabet) into BPE pieces; the last piece carries `</w>`. */
export function bytePairEncode(word: string, ranks: ReadonlyMap<string, number>): string[] {
  let pieces = Array.from(word);
  const last = pieces.length - 1;
  if (last < 0) return [];
  pieces[last] = `${pieces[last]}${WORD_END}`;

  for (;;) {
    let bestRank = Infinity;
    let bestLeft = '';
    let bestRight = '';
    for (let i = 0; i < pieces.length - 1; i++) {
      const rank = ranks.get(`${pieces[i]} ${pieces[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        bestLeft = pieces[i] as string;
        bestRight = pieces[i + 1] as string;
      }
    }
    if (bestRank === Infinity) return pieces;

    // Every non-overlapping occurrence merges in one pass, scanning left to right.
    const merged: string[] = [];
    for (let i = 0; i < pieces.length; i++) {
      if (pieces[i] === bestLeft && pieces[i + 1] === bestRight) {
        merged.push(bestLeft + bestRight);
        i++;
      } else {
        merged.push(pieces[i] as string);
      }
    }
    pieces = merged;
  }
}
