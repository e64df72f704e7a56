// models.pull: owns every pull from the hub. A pull lists the repository, picks the ONNX layout's files,
// downloads them one by one into the first model root (resuming partial files), then registers the folder.
// Callers get a snapshot at once and follow the rest through subscribe(); the work runs here, in the background.
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EaselError, toEaselError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import type { ModelRecord } from '../../db/model-repository.js';
import { modelIdFromName } from '../model-registry.js';
import { downloadFile, partialPath } from './file-download.js';
import type { HubRepository, RepoRef } from './hub-repository.js';
import { selectLayoutFiles, type LayoutFile } from './onnx-layout.js';
import { isFinalPullStatus, type PullEvent, type PullStatus } from './pull-event.js';
import { PullProgress } from './pull-progress.js';

export interface PullRequest {
  repo: string;
  revision?: string;
  subfolder?: string;
}

export interface PullServiceDeps {
  hub: HubRepository;
  /** The first model root: pulled folders go there. */
  root: string;
  registry: {
    list(): Promise<ModelRecord[]>;
    register(input: { path: string; name?: string; id?: string }, signal?: AbortSignal): Promise<ModelRecord>;
  };
  /** Free bytes on the disk holding a folder. */
  freeBytes: (dir: string) => Promise<number>;
  newId: () => string;
  now: () => number;
  logger: Logger;
  /** Progress events of one pull are sent at most this often (status changes and finished files always). */
  progressIntervalMs?: number;
  /** Attempts per file when a transfer breaks off. */
  attempts?: number;
}

interface Pull {
  event: PullEvent;
  controller: AbortController;
  progress: PullProgress;
  finished: Promise<void>;
  lastSent: number;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 200;
const DEFAULT_ATTEMPTS = 3;
/** Ended pulls kept so a late subscriber still gets their final event. */
const ENDED_KEPT = 50;

/** The folder (and so the model id) of a pull: `owner--name`, plus the subfolder and a revision other than main. */
export function pullFolderName(repo: string, revision: string, subfolder: string | null): string {
  const parts = [repo, ...(subfolder ? [subfolder] : []), ...(revision === 'main' ? [] : [revision])];
  return parts.join('/').replace(/\//g, '--');
}

async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then((s) => s.size, () => null);
}

export class PullService {
  private readonly pulls = new Map<string, Pull>();
  private readonly listeners = new Set<(event: PullEvent) => void>();
  /** Folders whose repository is being listed and checked, before their pull exists. */
  private readonly checking = new Map<string, Promise<PullEvent>>();

  constructor(private readonly deps: PullServiceDeps) {}

  /**
   * Checks the repository and its layout, then starts the download; a pull of the same folder in flight (or
   * being checked) is joined. `signal` stops the check only (the caller went away), never a started download.
   */
  async start(request: PullRequest, signal?: AbortSignal): Promise<PullEvent> {
    const ref: RepoRef = { repo: request.repo, revision: request.revision ?? 'main' };
    const subfolder = request.subfolder?.replace(/^\/+|\/+$/g, '') || null;
    const name = pullFolderName(ref.repo, ref.revision, subfolder);
    const folder = join(await realpath(this.deps.root).catch(() => this.deps.root), name);
    // Checked and claimed with no await in between: two pulls must never append to the same partial files.
    const running = [...this.pulls.values()].find((p) => p.event.folder === folder && !isFinalPullStatus(p.event.status));
    if (running) return { ...running.event };
    const checking = this.checking.get(folder);
    if (checking) return checking;
    const started = this.check(ref, subfolder, name, folder, signal);
    this.checking.set(folder, started);
    try {
      return await started;
    } finally {
      this.checking.delete(folder);
    }
  }

  private async check(ref: RepoRef, subfolder: string | null, name: string, folder: string, signal: AbortSignal | undefined): Promise<PullEvent> {
    const modelId = modelIdFromName(name);
    const existing = (await this.deps.registry.list()).find((m) => m.path === folder || m.id === modelId);
    if (existing) {
      throw new EaselError('ALREADY_EXISTS', `"${ref.repo}" is already pulled: it is registered as "${existing.id}" (${existing.path}); remove it first to pull it again`);
    }
    const entries = await this.deps.hub.list(ref, subfolder, signal ?? new AbortController().signal);
    const files = selectLayoutFiles(ref.repo, entries, subfolder);
    await this.assertRoomFor(folder, files);
    const progress = new PullProgress(files.length, files.reduce((sum, f) => sum + f.size, 0), this.deps.now);
    const event: PullEvent = {
      pullId: this.deps.newId(),
      repo: ref.repo,
      revision: ref.revision,
      subfolder,
      folder,
      status: 'downloading',
      files: progress.files,
      bytes: progress.bytes,
      etaMs: null,
      file: null,
      modelId: null,
    };
    const pull: Pull = { event, controller: new AbortController(), progress, finished: Promise.resolve(), lastSent: 0 };
    this.pulls.set(event.pullId, pull);
    this.forgetOldPulls();
    this.deps.logger.info('pulling a model from the hub', { pullId: event.pullId, repo: ref.repo, revision: ref.revision, subfolder, files: files.length });
    this.send(pull, true);
    pull.finished = this.run(pull, ref, files, modelId);
    return { ...event };
  }

  /** Cancels the pull with that id, or the pull in flight of that repository; partial files stay for a later pull. */
  async cancel(target: { id: string } | { repo: string }): Promise<{ cancelled: boolean; pull: PullEvent }> {
    const pull =
      'id' in target
        ? this.pulls.get(target.id)
        : [...this.pulls.values()].reverse().find((p) => p.event.repo === target.repo && !isFinalPullStatus(p.event.status));
    if (!pull) {
      const what = 'id' in target ? `with id "${target.id}"` : `of "${target.repo}" in flight`;
      throw new EaselError('NOT_FOUND', `There is no pull ${what}; models.onPull lists the pulls`);
    }
    const wasRunning = !isFinalPullStatus(pull.event.status);
    pull.controller.abort();
    await pull.finished;
    return { cancelled: wasRunning && pull.event.status === 'cancelled', pull: { ...pull.event } };
  }

  /** Every pull in flight and the recently ended ones, oldest first. */
  list(): PullEvent[] {
    return [...this.pulls.values()].map((p) => ({ ...p.event }));
  }

  get(id: string): PullEvent {
    const pull = this.pulls.get(id);
    if (!pull) throw new EaselError('NOT_FOUND', `There is no pull with id "${id}"`);
    return { ...pull.event };
  }

  subscribe(listener: (event: PullEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every pull (their partial files stay) and waits for them to end. */
  async close(): Promise<void> {
    const pulls = [...this.pulls.values()];
    for (const pull of pulls) pull.controller.abort();
    await Promise.all(pulls.map((p) => p.finished));
  }

  /** Refuses before downloading when the bytes still missing can't fit on the model root's disk. */
  private async assertRoomFor(folder: string, files: LayoutFile[]): Promise<void> {
    let missing = 0;
    for (const file of files) {
      const dest = join(folder, file.path);
      const onDisk = (await sizeOf(dest)) === file.size ? file.size : ((await sizeOf(partialPath(dest, file))) ?? 0);
      missing += Math.max(0, file.size - onDisk);
    }
    const free = await this.deps.freeBytes(this.deps.root);
    if (free >= missing) return;
    throw new EaselError(
      'INSUFFICIENT_STORAGE',
      `The model needs ${missing} more bytes but the disk holding ${this.deps.root} has ${free} free; free space there or set EASEL_MODELS_DIR to a bigger disk`,
      { details: { missingBytes: missing, freeBytes: free } },
    );
  }

  private async run(pull: Pull, ref: RepoRef, files: LayoutFile[], modelId: string): Promise<void> {
    const { signal } = pull.controller;
    const progress = pull.progress;
    try {
      for (const file of files) {
        this.update(pull, { status: 'downloading', file: file.path });
        await downloadFile({
          hub: this.deps.hub,
          ref,
          folder: pull.event.folder,
          file,
          signal,
          attempts: this.deps.attempts ?? DEFAULT_ATTEMPTS,
          hooks: {
            onVerifying: () => this.update(pull, { status: 'verifying' }),
            onBytes: (count, fresh) => {
              progress.fileBytes(count, fresh);
              if (fresh && pull.event.status !== 'downloading') this.update(pull, { status: 'downloading' });
              else this.update(pull, {}, false);
            },
          },
        });
        progress.fileDone(file.size);
        this.update(pull, {});
      }
      this.update(pull, { status: 'registering', file: null });
      const name = pull.event.subfolder ? `${ref.repo} (${pull.event.subfolder})` : ref.repo;
      const record = await this.deps.registry.register({ path: pull.event.folder, id: modelId, name }, signal);
      this.update(pull, { status: 'done', modelId: record.id });
      this.deps.logger.info('pulled and registered a model', { pullId: pull.event.pullId, repo: ref.repo, modelId: record.id });
    } catch (caught) {
      const cancelled = signal.aborted;
      const error = cancelled ? new EaselError('CANCELLED', `The pull of "${ref.repo}" was cancelled; pull again to continue where it stopped`) : toEaselError(caught);
      this.update(pull, { status: cancelled ? 'cancelled' : 'failed', error: { code: error.code, message: error.message } });
      if (!cancelled) this.deps.logger.warn('a pull failed', { pullId: pull.event.pullId, repo: ref.repo, code: error.code, error: error.message });
    }
  }

  /** Applies a change and sends it: at once for a new status or file, else at most every progressIntervalMs. */
  private update(pull: Pull, change: Partial<Pick<PullEvent, 'status' | 'file' | 'modelId' | 'error'>>, always = true): void {
    const progress = pull.progress;
    const status: PullStatus = change.status ?? pull.event.status;
    pull.event = {
      ...pull.event,
      ...change,
      files: progress.files,
      bytes: progress.bytes,
      etaMs: isFinalPullStatus(status) ? 0 : progress.etaMs(),
    };
    this.send(pull, always);
  }

  private send(pull: Pull, always: boolean): void {
    const now = this.deps.now();
    if (!always && now - pull.lastSent < (this.deps.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS)) return;
    pull.lastSent = now;
    const event = { ...pull.event };
    for (const listener of this.listeners) listener(event);
  }

  private forgetOldPulls(): void {
    const ended = [...this.pulls.values()].filter((p) => isFinalPullStatus(p.event.status));
    for (const pull of ended.slice(0, Math.max(0, ended.length - ENDED_KEPT))) this.pulls.delete(pull.event.pullId);
  }
}
