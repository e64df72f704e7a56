// Orders of timed runs: an A/B chain in which every job after the first is either a switch of model or a repeat,
// the two interleaved, and a rotation so that no variant always runs first (a shared machine drifts over a run).

export type ChainKind = 'first' | 'switch' | 'same';

export interface ChainJob {
  /** 0 for model A, 1 for model B. */
  model: 0 | 1;
  /** How this job relates to the one before it. */
  kind: ChainKind;
}

/** A, B, B, A, A, B, B, …: `pairs` switches and `pairs` repeats after the first job, alternating. */
export function switchChain(pairs: number): ChainJob[] {
  const jobs: ChainJob[] = [{ model: 0, kind: 'first' }];
  for (let k = 1; k <= 2 * pairs; k++) {
    const previous = jobs[k - 1]!.model;
    jobs.push(k % 2 === 1 ? { model: previous === 0 ? 1 : 0, kind: 'switch' } : { model: previous, kind: 'same' });
  }
  return jobs;
}

/** `items` rotated left by `by` places (any integer). */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = ((by % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
