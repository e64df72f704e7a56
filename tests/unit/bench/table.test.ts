import { describe, expect, it } from 'vitest';
import { formatTarget, formatValue, meetsTarget, renderTable } from '../../../bench/table.js';

describe('bench result table', () => {
  it('checks a value against an upper or a lower limit, inclusive', () => {
    expect(meetsTarget(1.05, { op: '<=', limit: 1.05 })).toBe(true);
    expect(meetsTarget(1.06, { op: '<=', limit: 1.05 })).toBe(false);
    expect(meetsTarget(0.5, { op: '>=', limit: 0.5 })).toBe(true);
    expect(meetsTarget(0.4, { op: '>=', limit: 0.5 })).toBe(false);
  });

  it('checks a signed error against a band around zero, inclusive', () => {
    expect(meetsTarget(-25, { op: 'within', limit: 25 })).toBe(true);
    expect(meetsTarget(25.1, { op: 'within', limit: 25 })).toBe(false);
    expect(meetsTarget(-30, { op: 'within', limit: 25 })).toBe(false);
    expect(formatTarget({ op: 'within', limit: 25 }, '%')).toBe('within ±25 %');
  });

  it('counts a missing or NaN value as a missed target, and has no verdict without a target', () => {
    expect(meetsTarget(null, { op: '<=', limit: 1 })).toBe(false);
    expect(meetsTarget(Number.NaN, { op: '>=', limit: 1 })).toBe(false);
    expect(meetsTarget(3, undefined)).toBeUndefined();
  });

  it('formats each unit with its own precision', () => {
    expect(formatValue(1.0349, 'ratio')).toBe('1.03×');
    expect(formatValue(0.125, 'ms')).toBe('0.13 ms');
    expect(formatValue(12.34, 'ms')).toBe('12.3 ms');
    expect(formatValue(1234.5, 'ms')).toBe('1235 ms');
    expect(formatValue(2.5, '%')).toBe('+2.5 %');
    expect(formatValue(-0.5, '%')).toBe('-0.5 %');
    expect(formatValue(-0.01, '%')).toBe('0.0 %');
    expect(formatValue(181.6, 'MB')).toBe('182 MB');
    expect(formatValue(null, 'req/s')).toBe('n/a');
  });

  it('writes targets with ≤ and ≥', () => {
    expect(formatTarget({ op: '<=', limit: 1.15 }, 'ratio')).toBe('≤ 1.15×');
    expect(formatTarget({ op: '>=', limit: 0.5 }, 'ratio')).toBe('≥ 0.50×');
    expect(formatTarget({ op: '<=', limit: 5 }, '%')).toBe('≤ 5 %');
    expect(formatTarget(undefined, 'ms')).toBe('—');
  });

  it('renders a Markdown table whose met? column says yes, NO or —, with notes after the value', () => {
    const table = renderTable([
      { metric: 'overhead', value: 1.02, unit: 'ratio', target: { op: '<=', limit: 1.05 } },
      { metric: 'status | p99', value: 12, unit: 'ms', target: { op: '<=', limit: 10 } },
      { metric: 'throughput', value: null, unit: 'img/min', note: 'failed: no model' },
    ]);
    expect(table.split('\n')).toEqual([
      '| metric | value | target | met? |',
      '| --- | --- | --- | --- |',
      '| overhead | 1.02× | ≤ 1.05× | yes |',
      '| status \\| p99 | 12.0 ms | ≤ 10.0 ms | NO |',
      '| throughput | n/a (failed: no model) | — | — |',
    ]);
  });
});
