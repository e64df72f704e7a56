// Where `generate -o` puts images: one file for one image, else a folder of `<generation id>.png` files;
// and fetching an image from the server into place.
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, EXIT, usageError } from './exit-codes.js';

/** The path each generated image is written to, by generation id. */
export type ImageTarget = (id: string) => string;

/**
 * `-o star.png` names the file of a single image; a path ending in `/`, an existing folder, or any path with
 * `--count` above 1 is a folder (made if missing) of `<id>.png`. Without `-o`: the current folder.
 */
export function imageTarget(output: string | undefined, count: number): ImageTarget {
  const path = output ?? '.';
  const isDir = path.endsWith('/') || (existsSync(path) && statSync(path).isDirectory());
  if (isDir || count > 1) {
    if (!isDir && existsSync(path)) throw usageError(`-o ${path} is a file, but ${count} images need a folder; pass a folder path ending in /`);
    if (!isDir && /\.png$/i.test(path)) throw usageError(`-o ${path} names one file, but --count ${count} makes ${count} images; pass a folder path ending in /`);
    return (id) => resolve(path, `${id}.png`);
  }
  return () => resolve(path);
}

/** Downloads `/images/<id>.png` from the server and writes it to `file`, making its folder if needed. */
export async function saveImage(serverBase: string, imageUrl: string, file: string): Promise<void> {
  const url = `${serverBase}${imageUrl}`;
  const response = await fetch(url).catch((error: unknown) => {
    throw new CliError('UNREACHABLE', `Cannot download ${url}: ${error instanceof Error ? error.message : String(error)}`, EXIT.UNREACHABLE);
  });
  if (!response.ok) throw new CliError('NOT_FOUND', `The server answered ${response.status} for ${url}`, EXIT.NOT_FOUND);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, new Uint8Array(await response.arrayBuffer()));
}

