// Ends a runner and proves its resources are gone: asks for its memory figures, stops or kills it, awaits
// the exit, and checks that the process no longer exists.
import type { Logger, Runner, RunnerExit, RunnerMemory } from './ports.js';

export interface ReleaseReport {
  pid: number | null;
  /** Runner memory just before it was ended (absent when it could not answer, e.g. mid-load). */
  runnerBefore?: RunnerMemory;
  exit: RunnerExit;
  /** True once the operating system no longer knows the process. */
  processGone: boolean;
  releaseMs: number;
  /** Why a graceful stop failed, when the runner had to be killed instead. */
  stopError?: string;
}

export interface ProcessProbe {
  /** True while a process with this pid exists. */
  exists(pid: number): boolean;
}

export const osProcessProbe: ProcessProbe = {
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

export class ResourceReleaser {
  constructor(
    private readonly logger: Logger,
    private readonly probe: ProcessProbe = osProcessProbe,
    private readonly memoryTimeoutMs = 500,
  ) {}

  /** `graceful` lets the runner release its sessions first; otherwise it is killed at once (a load is cut short). */
  async release(runner: Runner, mode: 'graceful' | 'kill'): Promise<ReleaseReport> {
    const started = performance.now();
    const runnerBefore = mode === 'graceful' ? await this.memoryOf(runner) : undefined;
    let exit: RunnerExit;
    let stopError: string | undefined;
    try {
      exit = mode === 'graceful' ? await runner.stop() : await runner.kill();
    } catch (error) {
      if (mode === 'kill') throw error;
      // A runner that can't stop gracefully is killed: an unload must never leave a process behind.
      stopError = String(error);
      this.logger.warn('runner did not stop gracefully; killing it', { pid: runner.pid, error: stopError });
      exit = await runner.kill();
    }
    const pid = runner.pid ?? null;
    const processGone = pid === null || !this.probe.exists(pid);
    if (!processGone) this.logger.error('runner process still exists after exit', { pid });
    const report: ReleaseReport = { pid, exit, processGone, releaseMs: Math.round(performance.now() - started) };
    if (runnerBefore) report.runnerBefore = runnerBefore;
    if (stopError !== undefined) report.stopError = stopError;
    return report;
  }

  private memoryOf(runner: Runner): Promise<RunnerMemory | undefined> {
    return memoryWithin(runner, this.memoryTimeoutMs);
  }
}

/** The runner's memory figures, or undefined when it can't answer within `timeoutMs` (busy loading, or dying). */
export async function memoryWithin(runner: Runner, timeoutMs: number): Promise<RunnerMemory | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined);
  });
  try {
    return await Promise.race([runner.memory(), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
