import { describe, expect, it } from 'vitest';
import { ResourceReleaser } from '../../../server/core/resource-releaser.js';
import type { Runner, RunnerExit } from '../../../server/core/ports.js';
import { FakeRunnerFactory } from '../../helpers/fake-runner.js';
import { CollectingLogger } from '../../helpers/scenario.js';

function setUp(options: ConstructorParameters<typeof FakeRunnerFactory>[0] = {}) {
  const runners = new FakeRunnerFactory(options);
  const logger = new CollectingLogger();
  const releaser = new ResourceReleaser(logger, runners.probe, 20);
  return { runner: runners.spawn(), runners, logger, releaser };
}

/** A runner that lies: it says it exited, yet the probe still sees its pid. */
function lingeringRunner(pid: number | undefined, memory: () => Promise<{ rssBytes: number }>): Runner {
  const exit: RunnerExit = { code: 0, signal: null };
  return {
    pid,
    load: () => Promise.reject(new Error('not used')),
    generate: () => Promise.reject(new Error('not used')),
    memory,
    stop: () => Promise.resolve(exit),
    kill: () => Promise.resolve(exit),
    onUnexpectedExit: () => undefined,
  };
}

describe('ResourceReleaser', () => {
  it('stops a runner gracefully, reporting its memory before, its exit, and that the process is gone', async () => {
    const { runner, releaser, logger } = setUp({ rssBytes: 300_000_000 });
    const report = await releaser.release(runner, 'graceful');
    expect(runner.ended).toBe('stop');
    expect(report).toMatchObject({ pid: runner.pid, runnerBefore: { rssBytes: 300_000_000 }, exit: { code: 0, signal: null }, processGone: true });
    expect(report.releaseMs).toBeGreaterThanOrEqual(0);
    expect(logger.entries).toEqual([]);
  });

  it('kills a runner cut short without asking for its memory', async () => {
    const { runner, releaser } = setUp();
    const report = await releaser.release(runner, 'kill');
    expect(runner.ended).toBe('kill');
    expect(report).toMatchObject({ pid: runner.pid, exit: { code: null, signal: 'SIGKILL' }, processGone: true });
    expect(report).not.toHaveProperty('runnerBefore');
  });

  it('reports processGone false and logs an error when the process still exists after its exit', async () => {
    const logger = new CollectingLogger();
    const releaser = new ResourceReleaser(logger, { exists: (pid) => pid === 777 }, 20);
    const report = await releaser.release(lingeringRunner(777, () => Promise.resolve({ rssBytes: 1 })), 'graceful');
    expect(report.processGone).toBe(false);
    expect(logger.entries).toEqual([{ level: 'error', message: 'runner process still exists after exit', fields: { pid: 777 } }]);
  });

  it('treats a runner that never had a process as gone', async () => {
    const releaser = new ResourceReleaser(new CollectingLogger(), { exists: () => true }, 20);
    const report = await releaser.release(lingeringRunner(undefined, () => Promise.resolve({ rssBytes: 1 })), 'kill');
    expect(report).toMatchObject({ pid: null, processGone: true });
  });

  it('goes on without memory figures when the runner cannot answer or does not answer in time', async () => {
    const releaser = new ResourceReleaser(new CollectingLogger(), { exists: () => false }, 20);
    const failing = await releaser.release(lingeringRunner(5, () => Promise.reject(new Error('mid-load'))), 'graceful');
    const silent = await releaser.release(lingeringRunner(6, () => new Promise(() => undefined)), 'graceful');
    expect(failing).not.toHaveProperty('runnerBefore');
    expect(silent).not.toHaveProperty('runnerBefore');
    expect(silent.processGone).toBe(true);
  });
});
