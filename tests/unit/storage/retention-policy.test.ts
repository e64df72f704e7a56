import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { describeRetention, parseRetention } from '../../../server/storage/retention-policy.js';

describe('parseRetention', () => {
  it('keeps every image when unset or "unlimited"', () => {
    expect(parseRetention(undefined)).toEqual({ kind: 'unlimited' });
    expect(parseRetention('unlimited')).toEqual({ kind: 'unlimited' });
  });

  it('reads a count and an age in hours, days or weeks', () => {
    expect(parseRetention('500')).toEqual({ kind: 'count', keep: 500 });
    expect(parseRetention('12h')).toEqual({ kind: 'age', maxAgeMs: 12 * 3_600_000 });
    expect(parseRetention('30d')).toEqual({ kind: 'age', maxAgeMs: 30 * 86_400_000 });
    expect(parseRetention('2w')).toEqual({ kind: 'age', maxAgeMs: 14 * 86_400_000 });
    expect(describeRetention(parseRetention('500'))).toBe('the newest 500 finished images');
  });

  it.each(['0', '-5', '30 days', '1.5d', '0d', '10m', 'lots'])('refuses "%s"', (value) => {
    expect(() => parseRetention(value)).toThrow();
  });
});

describe('the storage settings in loadConfig', () => {
  it('defaults to keeping every image and to 100 MiB of free space', () => {
    expect(loadConfig({})).toMatchObject({ imageRetention: { kind: 'unlimited' }, minFreeDiskBytes: 100 * 1024 * 1024 });
  });

  it('reads EASEL_IMAGE_RETENTION and EASEL_MIN_FREE_MB', () => {
    expect(loadConfig({ EASEL_IMAGE_RETENTION: '30d', EASEL_MIN_FREE_MB: '5' })).toMatchObject({
      imageRetention: { kind: 'age', maxAgeMs: 30 * 86_400_000 },
      minFreeDiskBytes: 5 * 1024 * 1024,
    });
  });

  it('stops on a malformed retention, naming the variable', () => {
    expect(() => loadConfig({ EASEL_IMAGE_RETENTION: '30 days' })).toThrow(/EASEL_IMAGE_RETENTION: "30 days" is neither a count of images/);
  });
});
