import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/db/open-database.js';
import { TEST_DATABASES, type ScratchDatabase } from './test-databases.js';

const CHILD = fileURLToPath(new URL('./append-then-hang.ts', import.meta.url));
const ROWS = 5;

/** Resolves once the child has reported the last commit, then kills it with SIGKILL and waits for its exit. */
function appendThenKill(url: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, String(ROWS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(`committed ${ROWS - 1}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(signal) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe.each(TEST_DATABASES)('a process killed with SIGKILL on $name', (kind) => {
  let scratch: ScratchDatabase | undefined;

  afterEach(async () => {
    await scratch?.dispose();
  });

  it('loses none of the transitions it had committed', async () => {
    scratch = await kind.scratch();
    expect(await appendThenKill(scratch.url)).toBe('SIGKILL');
    const db = await openDatabase({ url: scratch.url });
    try {
      const rows = await db.prisma.stateTransition.findMany({ orderBy: { id: 'asc' } });
      expect(rows.map((row) => row.modelId)).toEqual(Array.from({ length: ROWS }, (_, index) => `model-${index}`));
    } finally {
      await db.close();
    }
  });
});
