// First start: build the demo model into the first model root and register it as "easel-demo".
import { rm, stat } from 'node:fs/promises';
import { isEaselError } from '../core/errors.js';
import { join } from 'node:path';
import type { Logger } from '../core/ports.js';
import { buildDemoModel } from '../demo-model/index.js';
import type { ModelRepository } from '../db/model-repository.js';
import type { ModelRegistry } from './model-registry.js';

export const DEMO_MODEL_ID = 'easel-demo';
const DEMO_MODEL_NAME = 'Easel demo (draws its prompt)';

export async function ensureDemoModel(registry: ModelRegistry, repository: ModelRepository, root: string, logger: Logger): Promise<void> {
  if (await repository.find(DEMO_MODEL_ID)) return;
  const folder = join(root, DEMO_MODEL_ID);
  const built = await stat(join(folder, 'model_index.json')).then(() => true, () => false);
  if (!built) {
    logger.info('building the demo model', { folder });
    await buildDemoModel(folder);
  }
  const register = () => registry.register({ path: folder, id: DEMO_MODEL_ID, name: DEMO_MODEL_NAME });
  try {
    await register();
  } catch (error) {
    if (!isEaselError(error, 'INVALID_MODEL') || !built) throw error;
    // A folder left by an older or interrupted build: build it again once.
    logger.warn('the demo model folder is unusable; rebuilding it', { reason: error.message });
    await rm(folder, { recursive: true, force: true });
    await buildDemoModel(folder);
    await register();
  }
  logger.info('registered the demo model', { id: DEMO_MODEL_ID });
}
