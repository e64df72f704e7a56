// What procedures call: the facade, the registry and the history reader, assembled once in server/main.ts.
import type { ModelManager } from '../core/model-manager.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { Page } from '../db/page.js';
import type { TransitionQuery } from '../db/transition-history.js';
import type { TransitionRow } from '../db/transition-row.js';
import type { GenerationQuery } from '../db/generation-repository.js';
import type { GenerationQueue } from '../core/generation/generation-queue.js';
import type { GenerationRecord } from '../core/ports.js';

export interface Services {
  manager: ModelManager;
  registry: ModelRegistry;
  history: {
    transitions(query: TransitionQuery): Promise<Page<TransitionRow, number>>;
    generations(query: GenerationQuery): Promise<Page<GenerationRecord, string>>;
  };
  generations: GenerationQueue;
  adminToken: string | null;
}
