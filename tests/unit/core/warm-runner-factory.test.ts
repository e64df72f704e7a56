import { describe, expect, it } from 'vitest';
import { WarmRunnerFactory } from '../../../server/core/warm-runner-factory.js';
import { FakeRunnerFactory } from '../../helpers/fake-runner.js';
import { settle } from '../../helpers/scenario.js';

describe('WarmRunnerFactory', () => {
  it('hands out the runner started ahead, and starts the next one only when asked to warm up', async () => {
    const processes = new FakeRunnerFactory();
    const warm = new WarmRunnerFactory(processes);
    warm.warm();
    expect(processes.runners).toHaveLength(1);
    const spare = processes.runners[0]!;
    expect(warm.spawn()).toBe(spare);
    await settle();
    // The load that took the spare must not share the cores with the next one's boot.
    expect(processes.runners).toHaveLength(1);
    warm.warm();
    expect(processes.runners).toHaveLength(2);
    expect(warm.spawn()).toBe(processes.runners[1]);
  });

  it('keeps a single spare however often it is asked to warm up', () => {
    const processes = new FakeRunnerFactory();
    const warm = new WarmRunnerFactory(processes);
    warm.warm();
    warm.warm();
    expect(processes.runners).toHaveLength(1);
  });

  it('starts a process on demand when no spare is ready', () => {
    const processes = new FakeRunnerFactory();
    const warm = new WarmRunnerFactory(processes);
    const runner = warm.spawn();
    expect(processes.runners).toEqual([runner]);
  });

  it('drops a spare that dies while waiting instead of handing out a dead process', async () => {
    const processes = new FakeRunnerFactory();
    const warm = new WarmRunnerFactory(processes);
    warm.warm();
    processes.runners[0]!.crash();
    const runner = warm.spawn();
    expect(runner).not.toBe(processes.runners[0]);
    expect(processes.alive()).toEqual([runner]);
  });

  it('leaves a handed-out runner to its owner when it exits', async () => {
    const processes = new FakeRunnerFactory();
    const warm = new WarmRunnerFactory(processes);
    warm.warm();
    const owned = warm.spawn();
    warm.warm();
    const next = processes.runners[1]!;
    owned.kill();
    expect(warm.spawn()).toBe(next);
  });

  it('kills the spare on close and starts no more ahead of need', async () => {
    const processes = new FakeRunnerFactory();
    const warm = new WarmRunnerFactory(processes);
    warm.warm();
    await warm.close();
    expect(processes.alive()).toHaveLength(0);
    warm.spawn();
    await settle();
    expect(processes.runners).toHaveLength(2);
  });
});
