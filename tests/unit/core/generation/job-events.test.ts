import { describe, expect, it } from 'vitest';
import { isFinal, JobEvents, type JobEvent } from '../../../../server/core/generation/job-events.js';

const queued = (id: string, position = 1): JobEvent => ({ id, status: 'queued', position, step: 0, totalSteps: 20, etaMs: null });
const running = (id: string, step: number): JobEvent => ({ id, status: 'running', step, totalSteps: 20, etaMs: 100 });
const done = (id: string): JobEvent => ({ id, status: 'done', done: true, imageUrl: `/images/${id}.png`, seed: 1, durationMs: 5, runMs: 4 });
const cancelled = (id: string): JobEvent => ({ id, status: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled on request' } });

describe('JobEvents', () => {
  it('calls only the listeners of the job an event is about, in order', () => {
    const events = new JobEvents();
    const seenA: JobEvent[] = [];
    const seenB: JobEvent[] = [];
    events.subscribe('a', (e) => seenA.push(e));
    events.subscribe('b', (e) => seenB.push(e));
    events.emit(queued('a'));
    events.emit(running('a', 1));
    events.emit(queued('b', 2));
    expect(seenA).toEqual([queued('a'), running('a', 1)]);
    expect(seenB).toEqual([queued('b', 2)]);
  });

  it('fans an event out to every listener of the job', () => {
    const events = new JobEvents();
    const seen: string[] = [];
    events.subscribe('a', () => seen.push('first'));
    events.subscribe('a', () => seen.push('second'));
    events.emit(running('a', 3));
    expect(seen).toEqual(['first', 'second']);
  });

  it('stops calling a listener once it unsubscribes, leaving the others', () => {
    const events = new JobEvents();
    const seen: string[] = [];
    const off = events.subscribe('a', () => seen.push('gone'));
    events.subscribe('a', () => seen.push('kept'));
    off();
    off();
    events.emit(running('a', 1));
    expect(seen).toEqual(['kept']);
  });

  it('remembers the last event of a job until it ends', () => {
    const events = new JobEvents();
    expect(events.last('a')).toBeUndefined();
    events.emit(queued('a'));
    events.emit(running('a', 4));
    expect(events.last('a')).toEqual(running('a', 4));
    events.emit(done('a'));
    expect(events.last('a')).toBeUndefined();
  });

  it('tells listeners of a final event even though it is not remembered', () => {
    const events = new JobEvents();
    const seen: JobEvent[] = [];
    events.subscribe('a', (e) => seen.push(e));
    events.emit(cancelled('a'));
    expect(seen).toEqual([cancelled('a')]);
    expect(events.last('a')).toBeUndefined();
  });

  it('counts done, failed and cancelled as final, queued and running not', () => {
    expect([queued('a'), running('a', 1), done('a'), cancelled('a'), { ...cancelled('a'), status: 'failed' } as JobEvent].map(isFinal)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
