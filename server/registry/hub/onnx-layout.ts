// Picks, from a hub repository's file listing, the files of a diffusers/optimum ONNX model folder — and only
// those — or refuses a repository that holds none, saying what it does hold.
import { EaselError } from '../../core/errors.js';

/** A file as the hub's tree listing describes it (paths from the repository's root). */
export interface HubEntry {
  type: 'file' | 'directory' | 'unknown';
  path: string;
  size: number;
  /** Git blob id (sha1 of "blob <size>\0" + content) of a file kept in git. */
  oid?: string;
  /** Set for files kept in LFS: `oid` is the sha256 of the content. */
  lfs?: { oid: string; size: number };
}

/** A file to download: where it is in the repository, where it goes in the model folder, how to check it. */
export interface LayoutFile {
  repoPath: string;
  /** Path inside the model folder (the repository path without the subfolder). */
  path: string;
  size: number;
  check: { kind: 'sha256'; hex: string } | { kind: 'git-sha1'; hex: string } | { kind: 'size-only' };
}

const SMALL_FILE_FOLDERS = ['scheduler', 'tokenizer', 'tokenizer_2'];
const ONNX_PARTS = ['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder'];
const PART_FILES = ['config.json', 'model.onnx', 'model.onnx_data'];
/** Without these a folder is no model Easel can run, whatever else it holds. */
const REQUIRED = ['model_index.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx'];
const FOUND_LISTED = 25;

/** Whether a path inside the model folder belongs to the ONNX layout. */
export function isLayoutPath(path: string): boolean {
  if (path === 'model_index.json') return true;
  const [folder, file, ...deeper] = path.split('/');
  if (file === undefined || deeper.length > 0) return false;
  if (SMALL_FILE_FOLDERS.includes(folder!)) return true;
  return ONNX_PARTS.includes(folder!) && PART_FILES.includes(file);
}

function checkOf(entry: HubEntry): LayoutFile['check'] {
  if (entry.lfs) return { kind: 'sha256', hex: entry.lfs.oid };
  if (entry.oid) return { kind: 'git-sha1', hex: entry.oid };
  return { kind: 'size-only' };
}

/** Folders elsewhere in the repository that hold an ONNX export, for the hint of a refusal. */
function otherExports(files: HubEntry[], subfolder: string | null): string[] {
  const withIndex = files.filter((f) => f.path.endsWith('/model_index.json')).map((f) => f.path.slice(0, -'/model_index.json'.length));
  return withIndex.filter((dir) => dir !== subfolder && files.some((f) => f.path === `${dir}/unet/model.onnx`));
}

/**
 * The layout's files under `subfolder` (null: the repository's root), model_index.json last, so a folder
 * whose model_index.json is on disk has all its other files too. Refuses with INVALID_MODEL when a part is missing.
 */
export function selectLayoutFiles(repo: string, entries: readonly HubEntry[], subfolder: string | null): LayoutFile[] {
  const prefix = subfolder ? `${subfolder}/` : '';
  const files = entries.filter((e) => e.type === 'file');
  const inFolder = files.filter((e) => e.path.startsWith(prefix)).map((e) => ({ entry: e, path: e.path.slice(prefix.length) }));
  const selected = inFolder.filter((f) => isLayoutPath(f.path));
  const missing = REQUIRED.filter((path) => !selected.some((f) => f.path === path));
  if (missing.length > 0) {
    const where = subfolder ? `"${repo}" (folder ${subfolder}/)` : `"${repo}"`;
    const found = inFolder.map((f) => f.path);
    const listed = found.length === 0 ? 'no files' : found.slice(0, FOUND_LISTED).join(', ') + (found.length > FOUND_LISTED ? `, … and ${found.length - FOUND_LISTED} more` : '');
    const hint = otherExports(files, subfolder).map((dir) => ` It has an ONNX export in ${dir}/: pull it with --subfolder ${dir}.`).join('');
    throw new EaselError(
      'INVALID_MODEL',
      `${where} holds no ONNX model in the diffusers/optimum layout: missing ${missing.join(', ')}. Found: ${listed}.${hint}`,
      { details: { missing, found } },
    );
  }
  return selected
    .map(({ entry, path }) => ({ repoPath: entry.path, path, size: entry.lfs?.size ?? entry.size, check: checkOf(entry) }))
    .sort((a, b) => Number(a.path === 'model_index.json') - Number(b.path === 'model_index.json') || a.path.localeCompare(b.path));
}
