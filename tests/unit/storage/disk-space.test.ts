import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStorageFor, diskSpace } from '../../../server/storage/disk-space.js';
import { mountSmallTmpfs, type SmallTmpfs } from '../../helpers/small-tmpfs.js';

describe('assertStorageFor', () => {
  let disk: SmallTmpfs;
  let images: string;
  beforeAll(async () => {
    disk = await mountSmallTmpfs(4);
    images = join(disk.path, 'images');
    await mkdir(images);
  });
  afterAll(async () => {
    await disk.unmount();
  });

  it('passes while the disk has at least the threshold free, and reports the figures', async () => {
    await expect(assertStorageFor(images, 1024 * 1024)).resolves.toBeUndefined();
    const space = await diskSpace(images);
    expect(space.totalBytes).toBe(4 * 1024 * 1024);
    expect(space.freeBytes).toBeGreaterThan(3 * 1024 * 1024);
  });

  it('refuses with INSUFFICIENT_STORAGE naming the images folder and its free bytes once the disk is full', async () => {
    await disk.fill();
    const error = await assertStorageFor(images, 1024 * 1024).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_STORAGE',
      message: expect.stringContaining(`The disk holding the images folder ${images} is full: 0 bytes (0.0 MiB) free`),
      details: { imagesDir: images, freeBytes: 0, minFreeBytes: 1024 * 1024 },
    });
  });
});
