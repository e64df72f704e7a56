// A PostgreSQL server for the cluster section: the one EASEL_BENCH_POSTGRES_URL (or EASEL_TEST_POSTGRES_URL) names,
// else a throwaway cluster started from the system's initdb/pg_ctl in a temporary folder and removed afterwards.
import { execFile, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { access, constants, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Where Debian and Ubuntu put every installed version's binaries (as .ci/run looks for them). */
const POSTGRES_LIB = '/usr/lib/postgresql';
const COMMAND_TIMEOUT_MS = 60_000;

export interface BenchPostgres {
  /** A server URL whose user may create and drop databases. */
  adminUrl: string;
  /** Where the server came from, for the result's note. */
  source: string;
  stop(): Promise<void>;
}

/** The newest version's bin folder holding both initdb and pg_ctl, or undefined. */
async function postgresBin(): Promise<string | undefined> {
  const versions = await readdir(POSTGRES_LIB).catch(() => [] as string[]);
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const bin = join(POSTGRES_LIB, version, 'bin');
    const found = await Promise.all(['initdb', 'pg_ctl'].map((tool) => access(join(bin, tool), constants.X_OK).then(() => true, () => false)));
    if (found.every(Boolean)) return bin;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** PostgreSQL refuses to run as root: there, every tool runs as the postgres user, as .ci/run does. */
function asPostgresCommand(command: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['su', ['postgres', '-c', command.map(shellQuote).join(' ')]] : [command[0]!, command.slice(1)];
}

async function asPostgres(command: string[]): Promise<void> {
  const [file, args] = asPostgresCommand(command);
  try {
    await run(file, args, { timeout: COMMAND_TIMEOUT_MS });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command.slice(0, 2).join(' ')} failed: ${stderr || (error instanceof Error ? error.message : String(error))}`);
  }
}

async function throwawayCluster(bin: string): Promise<BenchPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), 'easel-bench-pg-'));
  try {
    if (process.getuid?.() === 0) await run('chown', ['postgres', dataDir], { timeout: COMMAND_TIMEOUT_MS });
    const port = await freePort();
    await asPostgres([join(bin, 'initdb'), '-D', dataDir, '-A', 'trust', '-U', 'easel', '--no-sync']);
    // fsync off: the figures are about sharing generations, and the cluster is thrown away.
    const serverOptions = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await asPostgres([join(bin, 'pg_ctl'), '-D', dataDir, '-l', join(dataDir, 'log'), '-w', '-o', serverOptions, 'start']);
    // pg_ctl detaches the server: a bench stopped with Ctrl-C (or SIGTERM) must not leave it running.
    const onSignal = (signal: NodeJS.Signals) => {
      const [file, args] = asPostgresCommand([join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      spawnSync(file, args, { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS });
      rmSync(dataDir, { recursive: true, force: true });
      process.kill(process.pid, signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return {
      adminUrl: `postgres://easel@127.0.0.1:${port}/postgres`,
      source: `a throwaway PostgreSQL cluster (${bin})`,
      async stop() {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await asPostgres([join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Throws with a message saying what is missing when no server can be had. */
export async function openBenchPostgres(): Promise<BenchPostgres> {
  for (const variable of ['EASEL_BENCH_POSTGRES_URL', 'EASEL_TEST_POSTGRES_URL']) {
    const url = process.env[variable];
    if (url) return { adminUrl: url, source: variable, stop: async () => undefined };
  }
  const bin = await postgresBin();
  if (!bin) throw new Error(`no PostgreSQL: set EASEL_BENCH_POSTGRES_URL to a server URL, or install PostgreSQL (initdb and pg_ctl under ${POSTGRES_LIB}/*/bin)`);
  return throwawayCluster(bin);
}
