// The model folders the benchmark uses, built once into a cache folder (rebuilt when their recipe changes):
// the demo model, the SD-shaped heavy model, and the tests' slow-to-open model for cancel timings.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoModel } from '../../server/demo-model/index.js';
import { readModelFolder } from '../../server/runner/model-folder.js';
import { writeTinyModel } from '../../tests/helpers/model-fixtures.js';
import { SD_SHAPED, writeSdShapedModel } from './sd-shaped.js';

/** Bump when a builder changes in a way its config does not show. */
const RECIPE_VERSION = 1;

export interface BenchModel {
  /** The id it is registered under in the GPU server. */
  id: string;
  path: string;
  /** The part files in the order the runner opens them. */
  files: string[];
}

export interface BenchModels {
  root: string;
  demo: BenchModel;
  sdShaped: BenchModel;
  slowLoad: BenchModel;
}

const BUILDERS: Record<keyof Omit<BenchModels, 'root'>, { id: string; build: (dir: string) => Promise<unknown> }> = {
  demo: { id: 'easel-demo', build: buildDemoModel },
  sdShaped: { id: 'bench-sd-shaped', build: (dir) => writeSdShapedModel(dir, SD_SHAPED) },
  slowLoad: { id: 'bench-slow-load', build: (dir) => writeTinyModel(dir, { slow: true }) },
};

export function defaultModelsRoot(): string {
  return join(tmpdir(), 'easel-bench-models');
}

async function model(root: string, key: keyof typeof BUILDERS): Promise<BenchModel> {
  const { id, build } = BUILDERS[key];
  const path = join(root, id);
  const stampFile = join(root, `${id}.recipe.json`);
  const stamp = JSON.stringify({ version: RECIPE_VERSION, sdShaped: key === 'sdShaped' ? SD_SHAPED : undefined });
  if ((await readFile(stampFile, 'utf8').catch(() => '')) !== stamp) {
    await rm(stampFile, { force: true });
    await rm(path, { recursive: true, force: true });
    await build(path);
    await writeFile(stampFile, stamp);
  }
  const folder = await readModelFolder(path);
  return { id, path, files: folder.parts.map((part) => folder.files[part]!) };
}

/** Builds what is missing or stale under `root` and describes all three models. */
export async function prepareBenchModels(root: string = defaultModelsRoot()): Promise<BenchModels> {
  await mkdir(root, { recursive: true });
  return { root, demo: await model(root, 'demo'), sdShaped: await model(root, 'sdShaped'), slowLoad: await model(root, 'slowLoad') };
}
