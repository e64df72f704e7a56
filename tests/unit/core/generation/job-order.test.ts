// Which waiting job starts next (arrival order, one job per model at a time) and which waiting jobs pin their
// model against eviction (not those held back behind another model's load).
import { describe, expect, it } from 'vitest';
import { pickNext, pinningJobs, type ActiveJob, type OrderedJob } from '../../../../server/core/generation/job-order.js';

const job = (seq: number, modelId: string): OrderedJob => ({ seq, modelId });
const active = (seq: number, modelId: string, phase: ActiveJob['phase']): ActiveJob => ({ seq, modelId, phase });

describe('pickNext', () => {
  it('starts the oldest waiting job when nothing runs', () => {
    expect(pickNext([job(1, 'a'), job(2, 'b')], [])).toEqual(job(1, 'a'));
  });

  it('passes over jobs whose model already has a job running or loading, keeping arrival order among the rest', () => {
    const waiting = [job(3, 'a'), job(4, 'a'), job(5, 'b'), job(6, 'c')];
    expect(pickNext(waiting, [active(1, 'a', 'running')])).toEqual(job(5, 'b'));
    expect(pickNext(waiting, [active(1, 'a', 'running'), active(2, 'b', 'loading')])).toEqual(job(6, 'c'));
  });

  it('returns null when every waiting job is for a busy model, or nothing waits', () => {
    expect(pickNext([job(2, 'a'), job(3, 'a')], [active(1, 'a', 'running')])).toBeNull();
    expect(pickNext([], [])).toBeNull();
  });
});

describe('pinningJobs', () => {
  it('counts every waiting job of the model when no other model is loading', () => {
    expect(pinningJobs('a', [job(2, 'a'), job(3, 'b'), job(4, 'a')], [active(1, 'b', 'running')])).toBe(2);
  });

  it("doesn't count jobs that arrived after a job waiting for another model's load", () => {
    const waiting = [job(2, 'a'), job(4, 'a'), job(5, 'a')];
    expect(pinningJobs('a', waiting, [active(3, 'b', 'loading')])).toBe(1);
  });

  it("ignores the model's own load and running jobs of other models as barriers", () => {
    const waiting = [job(2, 'a'), job(5, 'a')];
    expect(pinningJobs('a', waiting, [active(1, 'a', 'loading'), active(3, 'b', 'running')])).toBe(2);
  });

  it('uses the earliest load of another model as the barrier', () => {
    const waiting = [job(2, 'a'), job(4, 'a'), job(6, 'a')];
    expect(pinningJobs('a', waiting, [active(5, 'b', 'loading'), active(3, 'c', 'loading')])).toBe(1);
  });

  it('is zero for a model nobody waits for', () => {
    expect(pinningJobs('z', [job(1, 'a')], [])).toBe(0);
  });
});
