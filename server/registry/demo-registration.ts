// First start: build the demo models into the first model root and register them: "easel-demo" (SD 1.x layout)
// and "easel-demo-xl" (SDXL layout: two text encoders, pooled embeddings, size conditioning).
import { rm, stat } from 'node:fs/promises';
import { isEaselError } from '../core/errors.js';
import { join } from 'node:path';
import type { Logger } from '../core/ports.js';
import { buildDemoModel, DEMO_VARIANTS, type DemoVariant } from '../demo-model/index.js';
import type { ModelRepository } from '../db/model-repository.js';
import type { ModelRegistry } from './model-registry.js';

export const DEMO_MODEL_ID = 'easel-demo';

interface DemoEntry {
  id: string;
  name: string;
  variant: DemoVariant;
}

const DEMO_MODELS: readonly DemoEntry[] = [
  { id: DEMO_MODEL_ID, name: 'Easel demo (draws its prompt)', variant: DEMO_VARIANTS['easel-demo'] },
  { id: 'easel-demo-xl', name: 'Easel demo, SDXL layout (draws its prompt)', variant: DEMO_VARIANTS['easel-demo-xl'] },
];

export async function ensureDemoModel(registry: ModelRegistry, repository: ModelRepository, root: string, logger: Logger): Promise<void> {
  for (const entry of DEMO_MODELS) await ensureOne(entry, registry, repository, root, logger);
}

async function ensureOne({ id, name, variant }: DemoEntry, registry: ModelRegistry, repository: ModelRepository, root: string, logger: Logger): Promise<void> {
  if (await repository.find(id)) return;
  const folder = join(root, id);
  const built = await stat(join(folder, 'model_index.json')).then(() => true, () => false);
  if (!built) {
    logger.info('building the demo model', { id, folder });
    await buildDemoModel(folder, variant);
  }
  const register = () => registry.register({ path: folder, id, name });
  try {
    await register();
  } catch (error) {
    if (!isEaselError(error, 'INVALID_MODEL') || !built) throw error;
    // A folder left by an older or interrupted build: build it again once.
    logger.warn('the demo model folder is unusable; rebuilding it', { reason: error.message });
    await rm(folder, { recursive: true, force: true });
    await buildDemoModel(folder, variant);
    await register();
  }
  logger.info('registered the demo model', { id });
}
