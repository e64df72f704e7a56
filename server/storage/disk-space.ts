// Free space where images are written: new jobs are refused with INSUFFICIENT_STORAGE (HTTP 507) below a
// threshold, before any work or row is made, rather than failing later half-way through a write.
import { statfs } from 'node:fs/promises';
import { EaselError } from '../core/errors.js';

/** EASEL_MIN_FREE_MB's default: room for a batch of 16 large PNGs, the database's growth and its journal. */
export const DEFAULT_MIN_FREE_BYTES = 100 * 1024 * 1024;

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export async function diskSpace(dir: string): Promise<DiskSpace> {
  const info = await statfs(dir);
  // bavail, not bfree: the blocks reserved for root are not ours to count on.
  return { freeBytes: info.bavail * info.bsize, totalBytes: info.blocks * info.bsize };
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Throws INSUFFICIENT_STORAGE, naming the folder and its free bytes, when the images folder's disk is (nearly) full. */
export async function assertStorageFor(imagesDir: string, minFreeBytes: number = DEFAULT_MIN_FREE_BYTES): Promise<void> {
  const { freeBytes } = await diskSpace(imagesDir);
  if (freeBytes >= minFreeBytes) return;
  throw new EaselError(
    'INSUFFICIENT_STORAGE',
    `The disk holding the images folder ${imagesDir} is full: ${freeBytes} bytes (${mebibytes(freeBytes)}) free, and new jobs need ` +
      `at least ${mebibytes(minFreeBytes)} (EASEL_MIN_FREE_MB). Free space on that disk, or delete images (generate.delete, EASEL_IMAGE_RETENTION).`,
    { details: { imagesDir, freeBytes, minFreeBytes } },
  );
}
