// A small tmpfs mounted for a test (CI runs as root), and a way to fill it to the last byte. Mounting is never
// skipped: without root the test fails with a message saying so.
import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallTmpfs {
  path: string;
  /** Bytes free for an unprivileged writer. */
  free(): Promise<number>;
  /** Writes a filler file until the file system refuses (ENOSPC), leaving nothing free. */
  fill(): Promise<void>;
  unmount(): Promise<void>;
}

export async function mountSmallTmpfs(sizeMiB: number): Promise<SmallTmpfs> {
  const path = await mkdtemp(join(tmpdir(), 'easel-tmpfs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', path]);
  } catch (error) {
    await rm(path, { recursive: true, force: true });
    throw new Error(`This test needs a small tmpfs and so must run as root (CI does): mount failed: ${String(error)}`);
  }
  let fillers = 0;
  return {
    path,
    async free() {
      const info = await statfs(path);
      return info.bavail * info.bsize;
    },
    async fill() {
      const handle = await open(join(path, `filler-${fillers++}`), 'w');
      try {
        for (const chunk of [1 << 20, 4096, 1]) {
          const bytes = Buffer.alloc(chunk, 1);
          for (;;) {
            try {
              await handle.write(bytes);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        await handle.close();
      }
    },
    async unmount() {
      await run('umount', ['-l', path]);
      await rm(path, { recursive: true, force: true });
    },
  };
}
