// A small cluster for the Nodes spec: a scratch PostgreSQL database, GPU server processes sharing it under their
// own node names, and a web UI pointing at the first of them. The web UI runs the build global-setup.ts made
// (`next start`), so nothing is built twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createEaselClient } from '../../client/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../helpers/easel-server.js';
import { createScratchPostgres, type ScratchDatabase } from '../helpers/scratch-postgres.js';
import { freePort } from './global-setup.js';
import type { Stack } from './stack.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB_START_TIMEOUT_MS = 60_000;

export interface Cluster {
  /** The web UI and, behind it, the first node. */
  stack: Stack;
  /** The GPU servers by node name, in the order they were started. */
  nodes: Map<string, EaselProcess>;
  /** Stops the web UI and every node still running, drops the database, removes the data folders. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** A PostgreSQL server URL with the right to create databases (EASEL_TEST_POSTGRES_URL). */
  postgresUrl: string;
  nodeNames: readonly string[];
  heartbeatMs: number;
  adminToken: string;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** `next start` on a free port in its own process group, forwarding to the GPU server at `gpuUrl`. */
async function startWeb(gpuUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, EASEL_HOST: '127.0.0.1', EASEL_PORT: new URL(gpuUrl).port, NEXT_TELEMETRY_DISABLED: '1' };
  delete env.EASEL_WEB_HOST;
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const web = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  web.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  web.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Killed, not asked: on SIGTERM Next waits for the browser's open event streams to end, which they never do.
  // The web tier holds no state to save.
  const stop = async () => {
    if (web.exitCode === null && web.signalCode === null) process.kill(-web.pid!, 'SIGKILL');
    await exited(web);
  };
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`next start did not get ready within ${WEB_START_TIMEOUT_MS / 1000} s:\n${output}`)), WEB_START_TIMEOUT_MS);
      web.stdout!.on('data', () => {
        if (!output.includes('Ready in')) return;
        clearTimeout(timer);
        ready();
      });
      web.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`next start exited (${code}) before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { postgresUrl, nodeNames, heartbeatMs, adminToken } = options;
  const nodes = new Map<string, EaselProcess>();
  const dataDirs: string[] = [];
  let database: ScratchDatabase | null = null;
  let web: Awaited<ReturnType<typeof startWeb>> | null = null;

  const close = async () => {
    await web?.stop();
    for (const node of nodes.values()) await node.stop();
    await database?.dispose();
    for (const dir of dataDirs) await removeDataDir(dir);
  };

  try {
    database = await createScratchPostgres(postgresUrl);
    for (const name of nodeNames) {
      const dataDir = await makeDataDir('easel-e2e-node-');
      dataDirs.push(dataDir);
      const env = { DATABASE_URL: database.url, EASEL_NODE_NAME: name, EASEL_HEARTBEAT_MS: String(heartbeatMs), EASEL_ADMIN_TOKEN: adminToken, EASEL_DEMO_MODEL: '0' };
      nodes.set(name, await startEaselServer({ dataDir, env, token: adminToken }));
    }
    const first = nodes.get(nodeNames[0]!)!;
    web = await startWeb(first.url);
    const stack: Stack = {
      webUrl: web.url,
      gpuUrl: first.url,
      modelsDir: first.modelsDir,
      adminToken,
      api: createEaselClient({ url: first.trpcUrl, token: adminToken, actor: 'script' }),
    };
    return { stack, nodes, close };
  } catch (error) {
    await close();
    throw error;
  }
}
