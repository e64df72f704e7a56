// Downloads one file of a model into place: resumes a partial file (kept beside it under a temporary name
// tied to the expected content), checks size and hash, and only then gives it its real name.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { EaselError } from '../../core/errors.js';
import type { HubRepository, RepoRef } from './hub-repository.js';
import type { LayoutFile } from './onnx-layout.js';

export interface FileDownloadHooks {
  /** Bytes of this file now on disk and verified so far (called as they arrive). */
  onBytes(count: number, fresh: boolean): void;
  /** Existing bytes are being hashed before the download goes on. */
  onVerifying(): void;
}

/** The name of a partial file: a different version of the file never resumes from it. */
export function partialPath(dest: string, file: LayoutFile): string {
  const tag = file.check.kind === 'size-only' ? String(file.size) : file.check.hex.slice(0, 16);
  return `${dest}.${tag}.part`;
}

function newHash(file: LayoutFile): Hash {
  if (file.check.kind !== 'git-sha1') return createHash('sha256');
  // Git names a blob by the sha1 of a header and the content.
  return createHash('sha1').update(`blob ${file.size}\0`);
}

async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then((s) => (s.isFile() ? s.size : null), () => null);
}

async function hashInto(hash: Hash, path: string, signal: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
}

function mismatch(file: LayoutFile, hash: Hash): string | null {
  if (file.check.kind === 'size-only') return null;
  const actual = hash.digest('hex');
  if (actual === file.check.hex.toLowerCase()) return null;
  const name = file.check.kind === 'sha256' ? 'sha256' : 'git object id';
  return `${file.repoPath}: the ${name} is ${actual}, the hub lists ${file.check.hex}`;
}

/** Whether a finished file already at `dest` is this version of it. */
async function alreadyInPlace(dest: string, file: LayoutFile, hooks: FileDownloadHooks, signal: AbortSignal): Promise<boolean> {
  if ((await sizeOf(dest)) !== file.size) return false;
  hooks.onVerifying();
  const hash = newHash(file);
  await hashInto(hash, dest, signal);
  if (mismatch(file, hash) !== null) return false;
  hooks.onBytes(file.size, false);
  return true;
}

/**
 * One attempt: hashes what the partial file holds, asks the hub for the rest, appends it. Throws what the
 * transfer throws (a dropped connection) so the caller can try again from the new end of the partial file.
 */
async function continuePartial(hub: HubRepository, ref: RepoRef, file: LayoutFile, partial: string, hooks: FileDownloadHooks, signal: AbortSignal): Promise<Hash> {
  let have = (await sizeOf(partial)) ?? 0;
  if (have > file.size) {
    await rm(partial, { force: true });
    have = 0;
  }
  const hash = newHash(file);
  if (have > 0) {
    hooks.onVerifying();
    await hashInto(hash, partial, signal);
  }
  hooks.onBytes(have, false);
  if (have === file.size) return hash;
  const { size, body } = await hub.open(ref, file.repoPath, have, signal);
  if (size !== file.size) {
    throw new EaselError('INVALID_MODEL', `${file.repoPath}: the hub lists ${file.size} bytes but serves ${size}; the repository may have changed, pull again`);
  }
  let written = have;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      if (written > file.size) {
        done(new EaselError('INVALID_MODEL', `${file.repoPath}: the hub sent more than the ${file.size} bytes it lists`));
        return;
      }
      hash.update(chunk);
      hooks.onBytes(written, true);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), count, createWriteStream(partial, { flags: 'a' }), { signal });
  if (written !== file.size) throw new Error(`the transfer of ${file.repoPath} ended at ${written} of ${file.size} bytes`);
  return hash;
}

export interface DownloadOptions {
  hub: HubRepository;
  ref: RepoRef;
  folder: string;
  file: LayoutFile;
  hooks: FileDownloadHooks;
  signal: AbortSignal;
  /** Attempts for a transfer that breaks off; each continues where the last one stopped. */
  attempts: number;
}

/** Puts one verified file at its place in `folder`; a checksum mismatch deletes the bytes and refuses. */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const { hub, ref, folder, file, hooks, signal, attempts } = options;
  const dest = join(folder, file.path);
  if (await alreadyInPlace(dest, file, hooks, signal)) return;
  await mkdir(dirname(dest), { recursive: true });
  const partial = partialPath(dest, file);
  let hash: Hash | null = null;
  for (let attempt = 1; hash === null; attempt++) {
    try {
      hash = await continuePartial(hub, ref, file, partial, hooks, signal);
    } catch (error) {
      if (signal.aborted) throw new EaselError('CANCELLED', 'The pull was cancelled', { cause: error });
      if (error instanceof EaselError) throw error;
      if (attempt >= attempts) {
        const have = (await sizeOf(partial)) ?? 0;
        const reason = error instanceof Error ? error.message : String(error);
        throw new EaselError('INTERRUPTED', `The download of ${file.repoPath} broke off at ${have} of ${file.size} bytes (${reason}); pull again to continue from there`, { cause: error });
      }
    }
  }
  const wrong = mismatch(file, hash);
  if (wrong !== null) {
    // Resuming from these bytes could never succeed: start that file afresh next time.
    await rm(partial, { force: true });
    throw new EaselError('INVALID_MODEL', `Checksum mismatch, the file was refused: ${wrong}`, { details: { file: file.repoPath } });
  }
  await rename(partial, dest);
}
