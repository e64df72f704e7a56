// `npm start`: builds the web UI when its build is missing or older than its sources, then runs the GPU server
// and the web UI together with prefixed output. Ctrl-C (or SIGTERM) stops both; if either exits, so does the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { refuseOpenBind } from '../server/config.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** What the web build is made from (app/ also imports the server's lifecycle lists and the shared size format); a file newer than the last build triggers a rebuild. */
const WEB_SOURCES = ['app', 'public', 'next.config.js', 'package-lock.json', 'server/core/lifecycle/states.ts', 'client/format-bytes.ts', 'server/http/request-gate.ts', 'server/http/refusal-body.ts', 'server/http/body-limit.ts', 'client/png-text.ts', 'client/a1111-parameters.ts'];
const BUILD_MARKER = join(root, '.next', 'BUILD_ID');

const webPort = process.env.EASEL_WEB_PORT ?? '3000';
const webHost = process.env.EASEL_WEB_HOST ?? '127.0.0.1';
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1' };

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function buildIsStale(): boolean {
  if (!existsSync(BUILD_MARKER)) return true;
  const built = statSync(BUILD_MARKER).mtimeMs;
  return WEB_SOURCES.some((source) => newestMtime(join(root, source)) > built);
}

/** Copies a child's output line by line with a tag, and lets the caller watch the lines. */
function pipeLines(child: ChildProcess, tag: string, onLine?: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    const target = stream === child.stderr ? process.stderr : process.stdout;
    createInterface({ input: stream }).on('line', (line) => {
      target.write(`${tag} ${line}\n`);
      onLine?.(line);
    });
  }
}

/** `detached`: its own process group, so a terminal's Ctrl-C reaches it only through this script, in order. */
function run(tag: string, args: string[], childEnv: NodeJS.ProcessEnv, detached = false): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached });
  child.on('error', (error) => process.stderr.write(`${tag} could not start: ${error.message}\n`));
  return child;
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(1);
  return new Promise((done) => child.once('exit', (code) => done(code ?? 1)));
}

async function build(): Promise<void> {
  process.stdout.write('[build] building the web UI (next build)…\n');
  const builder = run('[build]', [nextBin, 'build'], env);
  pipeLines(builder, '[build]');
  const code = await exitCodeOf(builder);
  if (code !== 0) {
    process.stderr.write(`[build] next build failed (exit ${code}); see the lines above.\n`);
    process.exit(code);
  }
}

/** Resolves with the first line matching `pattern`, or rejects if the child exits first. */
function waitForLine(child: ChildProcess, tag: string, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolveLine, reject) => {
    pipeLines(child, tag, (line) => {
      const match = line.match(pattern);
      if (match) resolveLine(match);
    });
    child.once('exit', (code) => reject(new Error(`${tag} exited (${code ?? 'signal'}) before it was ready`)));
  });
}

async function main(): Promise<void> {
  // The web UI reachable from other machines forwards to the GPU server: it needs a token as much as the GPU server does.
  refuseOpenBind('EASEL_WEB_HOST', webHost, process.env);
  if (buildIsStale()) await build();

  // Started GPU server first, web UI second; stopped the other way round: a web UI still proxying streams from a
  // GPU server that is gone prints "failed to pipe response" stack traces.
  const children: ChildProcess[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of [...children].reverse()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exitCodeOf(child);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const gpu = run('[gpu]', ['--import', 'tsx', 'server/main.ts'], env, true);
  children.push(gpu);
  gpu.once('exit', (code) => void shutdown(code ?? 1));
  // The server prints its address; with EASEL_PORT=0 that is the only way to learn the port it got.
  const listening = await waitForLine(gpu, '[gpu]', /listening on (http:\/\/\S+)/).catch(() => null);
  if (!listening || stopping) return;
  const gpuPort = new URL(listening[1]!).port;

  const web = run('[web]', [nextBin, 'start', '-p', webPort, '-H', webHost], { ...env, EASEL_PORT: gpuPort });
  children.push(web);
  web.once('exit', (code) => void shutdown(code ?? 1));
  await waitForLine(web, '[web]', /Ready in/).catch(() => undefined);
  if (stopping) return;
  const shownHost = webHost === '127.0.0.1' || webHost === '0.0.0.0' || webHost === '::' ? 'localhost' : webHost;
  process.stdout.write(`\nEasel is running. Open http://${shownHost}:${webPort} (Ctrl-C stops it)\n\n`);
}

main().catch((error) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
