// The images folder as a service: whether there is room for new jobs, which images may be served (completed
// ones only), deleting one image with its row, retention (EASEL_IMAGE_RETENTION) and the disk use the UI shows.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isEaselError } from '../core/errors.js';
import type { Clock, Logger } from '../core/ports.js';
import type { GenerationRecord, GenerationRepository } from '../db/generation-repository.js';
import { assertStorageFor, diskSpace } from './disk-space.js';
import { isPartialImage } from './partial-image.js';
import { describeRetention, type RetentionPolicy } from './retention-policy.js';

/**
 * Retention runs at start-up and then on this timer rather than after each job, so it needs no hook in the job
 * queue and a burst of jobs costs one sweep; a count limit can be exceeded by at most a minute of images.
 */
export const RETENTION_INTERVAL_MS = 60_000;
/** Rows (and images) deleted per database round trip while sweeping. */
const SWEEP_BATCH = 200;

export interface StorageUsage {
  imagesDir: string;
  imageCount: number;
  imageBytes: number;
  freeBytes: number;
  totalBytes: number;
  minFreeBytes: number;
  retention: string;
}

export interface ImageStoreDeps {
  imagesDir: string;
  generations: GenerationRepository;
  retention: RetentionPolicy;
  minFreeBytes: number;
  logger: Logger;
  clock?: Clock;
}

export class ImageStore {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  private readonly clock: Clock;

  constructor(private readonly deps: ImageStoreDeps) {
    this.clock = deps.clock ?? { now: () => new Date() };
  }

  /** INSUFFICIENT_STORAGE (507) when the images folder's disk has less than the threshold free. */
  assertRoom(): Promise<void> {
    return assertStorageFor(this.deps.imagesDir, this.deps.minFreeBytes);
  }

  /** The PNG of a job that is done, or null: a job not done, an unknown id, or an empty file are never served. */
  async completedImage(id: string): Promise<Buffer | null> {
    let record: GenerationRecord;
    try {
      record = await this.deps.generations.get(id);
    } catch (error) {
      if (isEaselError(error, 'NOT_FOUND')) return null;
      throw error;
    }
    if (record.status !== 'done') return null;
    const bytes = await readFile(this.pathOf(id)).catch(() => null);
    return bytes !== null && bytes.length > 0 ? bytes : null;
  }

  /** Deletes one ended job's row, then its image; refused while the job is queued or running. */
  async delete(id: string): Promise<{ id: string; deleted: true }> {
    await this.deps.generations.deleteFinished(id);
    await rm(this.pathOf(id), { force: true });
    return { id, deleted: true };
  }

  async usage(): Promise<StorageUsage> {
    const { imagesDir, minFreeBytes, retention } = this.deps;
    let imageCount = 0;
    let imageBytes = 0;
    for (const name of await readdir(imagesDir).catch(() => [])) {
      const info = await stat(join(imagesDir, name)).catch(() => null);
      if (!info?.isFile()) continue;
      imageBytes += info.size;
      if (name.endsWith('.png')) imageCount += 1;
    }
    return { imagesDir, imageCount, imageBytes, ...(await diskSpace(imagesDir)), minFreeBytes, retention: describeRetention(retention) };
  }

  /** Removes the ended jobs past the retention limit, rows first, then their images; returns how many. */
  applyRetention(): Promise<number> {
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /** Removes partial images a crash left behind, applies retention now and then every RETENTION_INTERVAL_MS. */
  async start(): Promise<void> {
    await this.removePartials();
    await this.applyRetention();
    this.timer = setInterval(() => {
      this.applyRetention().catch((error: unknown) => this.deps.logger.error('image retention failed; it runs again in a minute', { error: String(error) }));
    }, RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => undefined);
  }

  private async sweep(): Promise<number> {
    const { retention, generations } = this.deps;
    if (retention.kind === 'unlimited') return 0;
    const query = retention.kind === 'count' ? { keep: retention.keep } : { before: new Date(this.clock.now().getTime() - retention.maxAgeMs) };
    let removed = 0;
    for (;;) {
      const ids = await generations.expired(query, SWEEP_BATCH);
      if (ids.length === 0) break;
      const deleted = await generations.deleteFinishedMany(ids);
      for (const id of deleted) await rm(this.pathOf(id), { force: true });
      removed += deleted.length;
      // Rows that changed status under the sweep were left alone; stop rather than ask for them again.
      if (deleted.length < ids.length) break;
    }
    if (removed > 0) this.deps.logger.info('image retention removed old images', { removed, keeping: describeRetention(retention) });
    return removed;
  }

  private async removePartials(): Promise<void> {
    const names = await readdir(this.deps.imagesDir).catch(() => []);
    const started = this.clock.now().getTime();
    for (const name of names.filter(isPartialImage)) {
      const path = join(this.deps.imagesDir, name);
      const info = await stat(path).catch(() => null);
      // A partial file older than this start-up was being written by a server that no longer runs.
      if (info && info.mtimeMs < started) await rm(path, { force: true });
    }
  }

  private pathOf(id: string): string {
    return join(this.deps.imagesDir, `${id}.png`);
  }
}
