// Builds the pull service of a running server from its configuration: the hub of EASEL_HUB_URL (with
// HF_TOKEN), the first model root, the registry that pulled folders are registered with.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Logger } from '../../core/ports.js';
import { diskSpace } from '../../storage/disk-space.js';
import type { ModelRegistry } from '../model-registry.js';
import { createHubRepository } from './hub-repository.js';
import { PullService } from './pull-service.js';

export function createPullService(config: Pick<Config, 'hubUrl' | 'hubToken' | 'modelRoots'>, registry: ModelRegistry, logger: Logger): PullService {
  return new PullService({
    hub: createHubRepository({ url: config.hubUrl, token: config.hubToken }),
    root: config.modelRoots[0]!,
    registry,
    freeBytes: async (dir) => (await diskSpace(dir)).freeBytes,
    newId: randomUUID,
    now: Date.now,
    logger,
  });
}
