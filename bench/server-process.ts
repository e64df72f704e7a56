// Starts the real GPU server (server/main.ts) for the benchmark: loopback only, a fresh data folder, the
// loop probe preloaded and GC exposed to it; gives a typed client, probe snapshots and /proc memory figures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createEaselClient, type EaselClient } from '../client/index.js';
import { PROBE_PREFIX, type ProbeSnapshot } from './loop-probe.js';

const ROOT = resolve(import.meta.dirname, '..');
const PROBE = resolve(import.meta.dirname, 'loop-probe.ts');
const START_TIMEOUT_MS = 60_000;
const SNAPSHOT_TIMEOUT_MS = 10_000;
/** Keep the end of the server's log for error messages, not all of it. */
const LOG_LIMIT = 20_000;

export interface BenchServer {
  url: string;
  trpcUrl: string;
  pid: number;
  client: EaselClient;
  /** Loop delay since the previous snapshot, and memory after a full GC; starts a new window. */
  snapshot(): Promise<ProbeSnapshot>;
  log(): string;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  dataDir: string;
  modelsDir: string;
  threads: number;
  /** More server variables (EASEL_MAX_LOADED_MODELS, EASEL_PARALLEL_JOBS, DATABASE_URL…), over the bench's own. */
  env?: Record<string, string>;
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EASEL_HOST: '127.0.0.1',
    EASEL_PORT: '0',
    EASEL_DATA_DIR: options.dataDir,
    EASEL_MODELS_DIR: options.modelsDir,
    EASEL_DEVICE: 'cpu',
    EASEL_THREADS: String(options.threads),
    EASEL_DEMO_MODEL: '0',
    EASEL_BENCH_PROBE: '1',
  };
  // SQLite in the data folder and no tokens, whatever the shell has; a section may still name a database.
  delete env.DATABASE_URL;
  delete env.EASEL_ADMIN_TOKEN;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', PROBE, resolve(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (line: string) => {
    log = (log + line + '\n').slice(-LOG_LIMIT);
  };
  const waiting: Array<(snapshot: ProbeSnapshot) => void> = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.startsWith(PROBE_PREFIX)) waiting.shift()?.(JSON.parse(line.slice(PROBE_PREFIX.length)) as ProbeSnapshot);
    else append(line);
  });
  const exited = once(child, 'exit');

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Easel server did not listen within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      append(line);
      const match = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+) /);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`the Easel server exited with ${code} before listening:\n${log}`));
    });
  });

  const trpcUrl = `${url}/trpc`;
  return {
    url,
    trpcUrl,
    pid: child.pid!,
    client: createEaselClient({ url: trpcUrl, actor: 'script' }),
    snapshot() {
      return new Promise((resolveSnapshot, reject) => {
        const deliver = (snapshot: ProbeSnapshot) => {
          clearTimeout(timer);
          resolveSnapshot(snapshot);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(deliver), 1);
          reject(new Error('the loop probe did not answer; is bench/loop-probe.ts preloaded?'));
        }, SNAPSHOT_TIMEOUT_MS);
        waiting.push(deliver);
        child.kill('SIGUSR2');
      });
    },
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
