// EASEL_IMAGE_RETENTION, parsed: keep every finished image (the default), the newest N, or those younger than
// an age. Pure: no clock, no disk.

export type RetentionPolicy = { kind: 'unlimited' } | { kind: 'count'; keep: number } | { kind: 'age'; maxAgeMs: number };

const HOUR_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };

/** `500` keeps the newest 500; `12h`, `30d`, `2w` keep those younger than that; unset or `unlimited` keeps all. */
export function parseRetention(text: string | undefined): RetentionPolicy {
  const value = text?.trim() ?? '';
  if (value === '' || value === 'unlimited') return { kind: 'unlimited' };
  const count = /^\d+$/.exec(value);
  if (count) {
    const keep = Number(value);
    if (!Number.isSafeInteger(keep) || keep < 1) throw new Error(`keep at least 1 image (got "${value}"); leave it unset to keep every image`);
    return { kind: 'count', keep };
  }
  const age = /^(\d+)([hdw])$/.exec(value);
  if (age && Number(age[1]) > 0) return { kind: 'age', maxAgeMs: Number(age[1]) * UNIT_MS[age[2]!]! };
  throw new Error(`"${value}" is neither a count of images (500) nor an age (12h, 30d, 2w)`);
}

export function describeRetention(policy: RetentionPolicy): string {
  if (policy.kind === 'count') return `the newest ${policy.keep} finished images`;
  if (policy.kind === 'age') return `finished images younger than ${policy.maxAgeMs / HOUR_MS} h`;
  return 'every image (no retention limit)';
}
