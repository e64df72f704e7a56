import { describe, expect, it } from 'vitest';
import { parseCliOptions } from '../../../bench/cli-options.js';

const KEYS = ['overhead', 'api', 'memory'];

describe('bench command-line options', () => {
  it('runs every section in full by default', () => {
    expect(parseCliOptions([], KEYS)).toEqual({ quick: false, only: [] });
  });

  it('reads --quick and --only in both spellings', () => {
    expect(parseCliOptions(['--quick', '--only', 'api,memory'], KEYS)).toEqual({ quick: true, only: ['api', 'memory'] });
    expect(parseCliOptions(['--only=overhead'], KEYS)).toEqual({ quick: false, only: ['overhead'] });
  });

  it('reads a positive thread count and refuses anything else', () => {
    expect(parseCliOptions(['--threads', '1'], KEYS)).toEqual({ quick: false, only: [], threads: 1 });
    expect(parseCliOptions(['--threads=4'], KEYS).threads).toBe(4);
    expect(() => parseCliOptions(['--threads', '0'], KEYS)).toThrow(/positive integer/);
    expect(() => parseCliOptions(['--threads', 'all'], KEYS)).toThrow(/positive integer/);
  });

  it('names the valid sections when given an unknown one', () => {
    expect(() => parseCliOptions(['--only', 'gpu'], KEYS)).toThrow(/unknown section "gpu"; choose from overhead, api, memory/);
  });

  it('refuses unknown options and an --only without a list', () => {
    expect(() => parseCliOptions(['--fast'], KEYS)).toThrow(/unknown option "--fast"/);
    expect(() => parseCliOptions(['--only'], KEYS)).toThrow(/--only needs/);
  });
});
