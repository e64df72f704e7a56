// Reads a model folder's small text files (configs, tokenizer files) without ever blocking: each must be a
// regular file under a size limit; a FIFO, device or socket is refused by its type before anything opens it.
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { EaselError } from '../core/errors.js';

/** The largest config or tokenizer file accepted: real ones are at most a few MB (SDXL's tokenizer.json ≈ 2 MB). */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

function invalid(message: string, cause?: unknown): EaselError {
  return new EaselError('INVALID_MODEL', message, cause === undefined ? undefined : { cause });
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function refuseUnlessSmallFile(info: Stats, root: string, relative: string): void {
  if (!info.isFile()) throw invalid(`${relative} in ${root} is ${kindOf(info)}; config and tokenizer files must be regular files`);
  if (info.size > MAX_CONFIG_FILE_BYTES) {
    throw invalid(`${relative} in ${root} is ${info.size} bytes; config and tokenizer files may be at most ${MAX_CONFIG_FILE_BYTES} bytes`);
  }
}

/** Checks a file's type and size; undefined when it is absent and not required. */
async function check(root: string, relative: string, required: boolean): Promise<Stats | undefined> {
  let info: Stats;
  try {
    info = await stat(join(root, relative));
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(`${relative} is missing or unreadable in ${root}`, error);
  }
  refuseUnlessSmallFile(info, root, relative);
  return info;
}

/** Refuses a required file that is absent, special or too large, without opening it. */
export async function checkConfigFile(root: string, relative: string): Promise<void> {
  await check(root, relative, true);
}

/** The text of a config or tokenizer file; undefined when it is absent and not required. */
export async function readConfigText(root: string, relative: string, required: true): Promise<string>;
export async function readConfigText(root: string, relative: string, required: boolean): Promise<string | undefined>;
export async function readConfigText(root: string, relative: string, required: boolean): Promise<string | undefined> {
  if ((await check(root, relative, required)) === undefined) return undefined;
  // O_NONBLOCK: if the file was swapped for a FIFO since the check, opening it can't wait for a writer.
  let handle;
  try {
    handle = await open(join(root, relative), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw invalid(`${relative} is missing or unreadable in ${root}`, error);
  }
  try {
    refuseUnlessSmallFile(await handle.stat(), root, relative);
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof EaselError) throw error;
    throw invalid(`${relative} could not be read in ${root}`, error);
  } finally {
    await handle.close();
  }
}
