// One forked runner process seen from the parent: typed sends that never throw, and a promise of its exit.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { RunnerExit } from '../core/ports.js';
import { isChildMessage, type ChildMessage, type ParentMessage } from './protocol.js';

/** The project runs TypeScript through tsx; resolved here so the child does not depend on the parent's cwd. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * The runner's scheduling niceness. Its onnxruntime threads can take every core for seconds; a lower priority lets
 * the server answer status requests and stream progress in between, at almost no cost to the runner.
 */
const RUNNER_NICENESS = 10;

export class RunnerChild {
  readonly exited: Promise<RunnerExit>;
  private readonly process: ChildProcess;
  private exitInfo: RunnerExit | undefined;

  constructor(entry: string, env: NodeJS.ProcessEnv, onMessage: (message: ChildMessage) => void) {
    this.process = fork(entry, [], {
      // A bundled entry (runner-bundle.ts) is plain JavaScript; the TypeScript sources need tsx.
      execArgv: entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [],
      env,
      // stdout/stderr go where the server's go, so native crash messages are never lost.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.exited = new Promise((resolve) => {
      const settle = (exit: RunnerExit): void => {
        if (this.exitInfo) return;
        this.exitInfo = exit;
        resolve(exit);
      };
      this.process.once('exit', (code, signal) => settle({ code, signal }));
      // 'error' without a pid means the process never started, so no 'exit' will follow.
      this.process.on('error', () => {
        if (this.process.pid === undefined) settle({ code: null, signal: null });
      });
    });
    if (this.process.pid !== undefined) {
      try {
        setPriority(this.process.pid, RUNNER_NICENESS);
      } catch {
        // Not permitted on every system; the runner then competes with the server as an equal.
      }
    }
    this.process.on('message', (message: unknown) => {
      if (isChildMessage(message)) onMessage(message);
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get exit(): RunnerExit | undefined {
    return this.exitInfo;
  }

  /** A child that died is normal here: a failed send is ignored and the exit is handled where it is awaited. */
  send(message: ParentMessage): void {
    if (this.exitInfo || !this.process.connected) return;
    try {
      this.process.send(message, undefined, undefined, () => undefined);
    } catch {
      // The channel closed between the check and the send; the exit handler reports what happened.
    }
  }

  kill(): void {
    if (!this.exitInfo) this.process.kill('SIGKILL');
  }
}

export function describeExit(exit: RunnerExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return 'could not be started';
}
