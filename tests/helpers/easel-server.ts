// Starts the real GPU server (server/main.ts) as a child process on a free port with its own data folder,
// for integration tests; gives a typed client and ways to stop it gently or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEaselClient, type EaselClient } from '../../client/index.js';
import { writeTinyModel } from './model-fixtures.js';

export interface EaselProcess {
  url: string;
  trpcUrl: string;
  pid: number;
  dataDir: string;
  modelsDir: string;
  client: EaselClient;
  /** Everything the server wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export async function makeDataDir(prefix = 'easel-it-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

export async function startEaselServer(options: { dataDir: string; env?: Record<string, string>; token?: string }): Promise<EaselProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EASEL_PORT: '0',
    EASEL_HOST: '127.0.0.1',
    EASEL_DATA_DIR: options.dataDir,
    EASEL_DEVICE: 'cpu',
    EASEL_THREADS: '1',
    // Tests count runner processes; the one that warms ahead is tested on its own.
    EASEL_WARM_RUNNER: '0',
  };
  // The server's own database, in its data folder, unless a test names one.
  delete env.DATABASE_URL;
  delete env.EASEL_MODELS_DIR;
  delete env.EASEL_ADMIN_TOKEN;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = () => {
      const match = output.match(/listening on (http:\/\/[^\s]+) /);
      if (match) {
        child.stdout!.off('data', onData);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Easel server exited with ${code} before listening:\n${output}`)));
  });

  const trpcUrl = `${url}/trpc`;
  return {
    url,
    trpcUrl,
    pid: child.pid!,
    dataDir: options.dataDir,
    modelsDir: join(options.dataDir, 'models'),
    client: createEaselClient({ url: trpcUrl, token: options.token }),
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return waitForExit(child);
    },
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
  };
}

/** Pids of the direct children of `pid` (the runner processes of a server). */
export async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server without the demo model, with a tiny model "tiny" and a slow-loading one "slow" registered. */
export async function startWithTinyAndSlowModels(dataDir: string): Promise<EaselProcess> {
  const easel = await startEaselServer({ dataDir, env: { EASEL_DEMO_MODEL: '0' } });
  await writeTinyModel(join(easel.modelsDir, 'slow'), { slow: true });
  await writeTinyModel(join(easel.modelsDir, 'tiny'));
  await easel.client.models.register.mutate({ path: 'slow' });
  await easel.client.models.register.mutate({ path: 'tiny' });
  return easel;
}
