// What procedures call: the facade, the registry and the history reader, assembled once in server/main.ts.
import type { ModelManager } from '../core/model-manager.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { Page } from '../db/page.js';
import type { TransitionQuery } from '../db/transition-history.js';
import type { TransitionRow } from '../db/transition-row.js';
import type { GenerationQuery } from '../db/generation-repository.js';
import type { GenerationQueue } from '../core/generation/generation-queue.js';
import type { GenerationRecord } from '../core/ports.js';
import type { PullService } from '../registry/hub/pull-service.js';
import type { Config } from '../config.js';
import type { ImageStore } from '../storage/image-store.js';
import type { Nodes } from '../cluster/this-node.js';

export type Security = Pick<Config, 'adminToken' | 'userToken' | 'host' | 'allowedHosts' | 'allowedOrigins'>;

export interface Services {
  manager: ModelManager;
  registry: ModelRegistry;
  history: {
    transitions(query: TransitionQuery): Promise<Page<TransitionRow, number>>;
    generations(query: GenerationQuery): Promise<Page<GenerationRecord, string>>;
  };
  generations: GenerationQueue;
  /** Model downloads from the hub (models.pull). */
  pulls: PullService;
  /** Tokens for the role gate, hosts and origins for the request gate (the server's configuration). */
  security: Security;
  /** The images folder: room for new jobs, completed images, deletion, retention and disk use. */
  storage: ImageStore;
  /** The GPU servers sharing the database (just this one on SQLite). */
  nodes: Nodes;
}
