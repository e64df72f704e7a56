import { describe, expect, it } from 'vitest';
import { alphaBarAt, alphasCumprod, DEMO_SCHEDULER_CONFIG } from '../../../server/demo-model/noise-schedule.js';
import { isEaselError } from '../../../server/core/errors.js';

describe('demo noise schedule', () => {
  const table = alphasCumprod(DEMO_SCHEDULER_CONFIG);

  it('matches SD 1.5 alphas_cumprod at both ends and decreases throughout', () => {
    expect(table).toHaveLength(1000);
    expect(table[0]).toBeCloseTo(1 - 0.00085, 7);
    expect(table[999]).toBeCloseTo(0.00466, 5);
    for (let i = 1; i < table.length; i++) expect(table[i]!).toBeLessThan(table[i - 1]!);
  });

  it('interpolates linearly between integer timesteps and clamps outside the table', () => {
    expect(alphaBarAt(table, 500)).toBe(table[500]);
    expect(alphaBarAt(table, 500.25)).toBeCloseTo(0.75 * table[500]! + 0.25 * table[501]!, 12);
    expect(alphaBarAt(table, -3)).toBe(table[0]);
    expect(alphaBarAt(table, 1200)).toBe(table[999]);
  });

  it('refuses a beta schedule it does not implement', () => {
    let error: unknown;
    try {
      alphasCumprod({ ...DEMO_SCHEDULER_CONFIG, beta_schedule: 'linear' });
    } catch (e) {
      error = e;
    }
    expect(isEaselError(error, 'INVALID_INPUT')).toBe(true);
  });
});
