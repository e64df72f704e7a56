// Runs one of the benchmark's helper scripts (a load client, a bare HTTP server, a bare session opener) as its
// own process, so its work never shares an event loop with the process it measures; messages go over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const REPLY_TIMEOUT_MS = 180_000;

export interface ChildScript {
  readonly pid: number;
  send(message: unknown): void;
  /** The next message the script sends. */
  reply<T>(): Promise<T>;
  /** SIGTERM (if still running) and wait for the exit. */
  close(): Promise<void>;
}

/** `name` is a file in bench/, e.g. 'load-client.ts'. */
export function startChildScript(name: string, env: NodeJS.ProcessEnv = process.env): ChildScript {
  const child: ChildProcess = fork(resolve(import.meta.dirname, name), [], {
    execArgv: ['--import', TSX_LOADER],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const inbox: unknown[] = [];
  const readers: Array<(message: unknown) => void> = [];
  child.on('message', (message) => {
    const reader = readers.shift();
    if (reader) reader(message);
    else inbox.push(message);
  });
  const exited = once(child, 'exit');
  return {
    pid: child.pid!,
    send: (message) => child.send(message as object),
    reply<T>() {
      if (inbox.length > 0) return Promise.resolve(inbox.shift() as T);
      return new Promise<T>((resolveReply, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench/${name} sent nothing within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
        void exited.then(([code]) => {
          clearTimeout(timer);
          reject(new Error(`bench/${name} exited with ${code} before replying`));
        });
        readers.push((message) => {
          clearTimeout(timer);
          resolveReply(message as T);
        });
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
