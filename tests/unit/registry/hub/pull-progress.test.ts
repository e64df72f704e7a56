import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../../server/registry/hub/pull-progress.js';

describe('the progress of a pull', () => {
  it('estimates the time left from bytes transferred, not from bytes found on disk', () => {
    let now = 1000;
    const progress = new PullProgress(2, 1000, () => now);
    progress.fileBytes(400, false);
    expect(progress.bytes).toEqual({ done: 400, total: 1000 });
    expect(progress.etaMs()).toBeNull();
    progress.fileBytes(450, true);
    now += 500;
    progress.fileBytes(500, true);
    // 100 bytes arrived in 500 ms; 500 remain.
    expect(progress.etaMs()).toBe(2500);
    progress.fileDone(500);
    expect(progress.files).toEqual({ done: 1, total: 2 });
    progress.fileBytes(500, true);
    expect(progress.bytes.done).toBe(1000);
    expect(progress.etaMs()).toBe(0);
  });
});
