// Bundles the runner's entry and everything it imports into one plain-JavaScript file at server start, so each
// runner process boots without the TypeScript loader (two to three times faster, and no loader thread in every
// runner). Packages stay external: the bundle is written under node_modules/.cache, where Node resolves them.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, stop } from 'esbuild';

const SOURCE_ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE_FILE = join(PROJECT_ROOT, 'node_modules', '.cache', 'easel', 'runner-entry.mjs');

/**
 * Writes the bundle from the current sources (every start: no stale copy can outlive an edit) and returns its
 * path. Several servers may start at once; each writes its own file and renames it into place.
 */
export async function bundleRunnerEntry(target = BUNDLE_FILE): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const scratch = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await build({
      entryPoints: [SOURCE_ENTRY],
      outfile: scratch,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      logLevel: 'silent',
    });
    await rename(scratch, target);
  } catch (error) {
    await rm(scratch, { force: true });
    throw error;
  } finally {
    // esbuild keeps a helper process for later builds; there are none, and the server's children are its runners.
    await stop();
  }
  return target;
}
