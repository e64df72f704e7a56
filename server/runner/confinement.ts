// Confinement held at load time: registration checked the folder once, but a file can be swapped for a symlink
// afterwards. Before it opens anything, the runner resolves every file a load reads and refuses one whose real
// path leaves the registered folder.
import { readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { EaselError } from '../core/errors.js';
import { MODEL_PARTS } from '../core/ports.js';

/** The folders a load reads from: each part's (model.onnx, its external weights, config.json) and the pipeline's. */
const LOADED_FOLDERS = [...MODEL_PARTS, 'tokenizer', 'tokenizer_2', 'scheduler'];

function outside(root: string, file: string, real: string): EaselError {
  return new EaselError(
    'PATH_OUTSIDE_ROOTS',
    `${relative(root, file) || '.'} resolves to ${real}, outside the registered folder ${root}; a file was replaced by a link after registration — put the real file back, or register the folder it points into`,
    { details: { file, real } },
  );
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).map((name) => join(dir, name));
  } catch {
    // A part that is absent is the layout check's to report.
    return [];
  }
}

/** Throws PATH_OUTSIDE_ROOTS for the first file (or folder) under `root` whose real path is not inside it. */
export async function assertConfined(root: string): Promise<void> {
  // A folder that is gone is the layout check's to report, with its own message.
  const realRoot = await realpath(root).catch(() => null);
  if (realRoot === null) return;
  if (realRoot !== root) throw outside(root, root, realRoot);
  const files = [join(root, 'model_index.json')];
  for (const folder of LOADED_FOLDERS) files.push(join(root, folder), ...(await entries(join(root, folder))));
  for (const file of files) {
    const real = await realpath(file).catch(() => null);
    if (real !== null && real !== realRoot && !real.startsWith(realRoot + sep)) throw outside(root, file, real);
  }
}
