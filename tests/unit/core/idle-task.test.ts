import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTask } from '../../../server/core/idle-task.js';

describe('IdleTask', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setUp(busy = () => false) {
    const task = vi.fn();
    return { task, idle: new IdleTask({ busy, task, quietMs: 1000 }) };
  }

  it('runs the task once the server has been quiet for quietMs after the last poke', () => {
    const { task, idle } = setUp();
    idle.poke();
    vi.advanceTimersByTime(600);
    idle.poke();
    vi.advanceTimersByTime(600);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('does not run while busy, and runs after the poke that ends the busy spell', () => {
    let busy = true;
    const { task, idle } = setUp(() => busy);
    idle.poke();
    vi.advanceTimersByTime(5000);
    expect(task).not.toHaveBeenCalled();
    busy = false;
    idle.poke();
    vi.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('runs nothing once stopped', () => {
    const { task, idle } = setUp();
    idle.poke();
    idle.stop();
    idle.poke();
    vi.advanceTimersByTime(5000);
    expect(task).not.toHaveBeenCalled();
  });
});
