// Runs the `easel` command (bin/easel.js) as a subprocess, as a user would: to completion, or in the
// background to read its progress and interrupt it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = resolve(ROOT, 'bin/easel.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves once stdout or stderr matches. */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<CliResult>;
}

export interface CliOptions {
  /** EASEL_URL for the command. */
  url?: string;
  /** Extra environment; EASEL_ADMIN_TOKEN is passed only from here. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Starts `easel <args>`; its stdout and stderr are pipes, so it never sees a terminal. */
export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.EASEL_ADMIN_TOKEN;
  delete env.EASEL_URL;
  if (options.url) env.EASEL_URL = options.url;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  const onChunk = () => watchers.forEach((check) => check());
  child.stdout!.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), onChunk()));
  child.stderr!.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), onChunk()));
  const exited = new Promise<CliResult>((resolveExit) => child.once('close', (code) => resolveExit({ code, stdout, stderr })));
  return {
    child,
    exited,
    waitFor(pattern) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) {
            watchers.delete(check);
            resolveWait();
          }
        };
        watchers.add(check);
        check();
        void exited.then(() => {
          if (watchers.delete(check)) reject(new Error(`easel exited before printing ${pattern}:\n${stdout}\n${stderr}`));
        });
      });
    },
  };
}

/** Runs `easel <args>` to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** Runs `easel <args>` in a pseudo-terminal (util-linux `script`); stdout then holds everything the terminal showed. */
export function runCliInTerminal(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, ...(options.url ? { EASEL_URL: options.url } : {}), TERM: 'xterm' };
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveExit) => child.once('close', (code) => resolveExit({ code, stdout, stderr })));
}

/** The one JSON document a `--json` command printed. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
