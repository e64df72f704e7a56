// Confines model folders to the configured roots: relative paths resolve against the first root, and the
// real path (symlinks followed) of the folder and of every file in it must stay inside a root.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EaselError } from '../core/errors.js';

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export class ModelRoots {
  constructor(private readonly roots: readonly string[]) {}

  get list(): readonly string[] {
    return this.roots;
  }

  /** The real path of a model folder given by a user, refused unless it is a folder inside a root. */
  async resolveFolder(userPath: string): Promise<string> {
    if (userPath.includes('\0')) throw new EaselError('INVALID_INPUT', 'The path contains a NUL character');
    const candidate = isAbsolute(userPath) ? resolve(userPath) : resolve(this.roots[0] ?? '.', userPath);
    const realRoots = await this.realRoots();
    // The lexical check first, so "../../etc" is refused by its name before anything on disk is touched.
    if (!this.roots.some((root) => isInside(candidate, root)) && !realRoots.some((root) => isInside(candidate, root))) {
      throw this.outside(userPath);
    }
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      throw new EaselError('NOT_FOUND', `No folder at "${userPath}" (looked in ${candidate})`);
    }
    if (!realRoots.some((root) => isInside(real, root))) throw this.outside(userPath, real);
    if (!(await stat(real)).isDirectory()) throw new EaselError('INVALID_MODEL', `"${userPath}" is a file, not a model folder`);
    return real;
  }

  /** Bytes on disk of every file in `folder`; refuses a symlink inside it that leads out of the roots. */
  async folderSize(folder: string): Promise<number> {
    const realRoots = await this.realRoots();
    let total = 0;
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        let info = await lstat(path);
        if (info.isSymbolicLink()) {
          const target = await realpath(path).catch(() => null);
          if (target === null || !realRoots.some((root) => isInside(target, root))) {
            throw new EaselError('PATH_OUTSIDE_ROOTS', `"${relative(folder, path)}" is a link leading outside the model roots`);
          }
          info = await stat(target);
        }
        if (info.isDirectory()) await walk(path);
        else if (info.isFile()) total += info.size;
      }
    };
    await walk(folder);
    return total;
  }

  /** Sub-folders of every root that hold a model_index.json. */
  async candidates(): Promise<string[]> {
    const found: string[] = [];
    for (const root of this.roots) {
      const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const folder = join(root, entry.name);
        if (await stat(join(folder, 'model_index.json')).then(() => true, () => false)) found.push(folder);
      }
    }
    return found;
  }

  private async realRoots(): Promise<string[]> {
    return Promise.all(this.roots.map((root) => realpath(root).catch(() => root)));
  }

  private outside(userPath: string, real?: string): EaselError {
    const where = real && real !== userPath ? ` (it leads to ${real})` : '';
    return new EaselError('PATH_OUTSIDE_ROOTS', `"${userPath}" is outside the model folders${where}; models must live under ${this.roots.join(', ')}`);
  }
}
