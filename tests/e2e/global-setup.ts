// Starts the whole Easel stack once for the e2e run through `scripts/start.ts` (what `npm start` runs: builds
// the web UI when needed, then the GPU server and Next together) on free ports with a fresh data folder and an
// admin token, and stops it afterwards. Tests find it through the EASEL_E2E_* variables.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startE2eHub } from './hub.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const E2E_ADMIN_TOKEN = 'e2e-admin-token';
/** First start builds the web UI (`next build`) and the demo model. */
const START_TIMEOUT_MS = 240_000;

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'easel-e2e-'));
  const gpuPort = await freePort();
  const webPort = await freePort();
  const hub = await startE2eHub(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EASEL_DATA_DIR: dataDir,
    EASEL_PORT: String(gpuPort),
    EASEL_WEB_PORT: String(webPort),
    EASEL_DEVICE: 'cpu',
    EASEL_THREADS: '1',
    EASEL_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    EASEL_HUB_URL: hub.url,
  };
  delete env.DATABASE_URL;
  delete env.EASEL_MODELS_DIR;
  delete env.EASEL_HOST;
  delete env.EASEL_WEB_HOST;

  const stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => stack.once('exit', () => done()));

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`The stack did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    stack.stdout.on('data', () => {
      if (output.includes('Easel is running. Open')) {
        clearTimeout(timer);
        ready();
      }
    });
    stack.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited (${code}) before it was ready:\n${output}`));
    });
  });

  process.env.EASEL_E2E_WEB_URL = `http://127.0.0.1:${webPort}`;
  process.env.EASEL_E2E_GPU_URL = `http://127.0.0.1:${gpuPort}`;
  process.env.EASEL_E2E_MODELS_DIR = join(dataDir, 'models');
  process.env.EASEL_E2E_ADMIN_TOKEN = E2E_ADMIN_TOKEN;

  return async () => {
    stack.kill('SIGTERM');
    const killer = setTimeout(() => stack.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
    await hub.close();
    // The stack's own log is kept next to the screenshots for anyone reading a failed run.
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await writeFile(join(ROOT, 'test-results', 'e2e-stack.log'), output);
    await rm(dataDir, { recursive: true, force: true });
  };
}
