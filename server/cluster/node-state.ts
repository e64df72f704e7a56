// What a node tells the others in its heartbeat: its resident models, its budget and how much work it holds.
import type { ModelsStatus } from '../core/model-manager.js';
import type { NodeState } from '../db/node-repository.js';

export function nodeStateOf(status: ModelsStatus, queueDepth: number): NodeState {
  return {
    models: status.models.map(({ modelId, state, memoryBytes }) => ({ modelId, state, memoryBytes })),
    memoryBudgetBytes: status.memoryBudgetBytes,
    memoryUsedBytes: status.memoryUsedBytes,
    maxLoaded: status.maxLoaded,
    queueDepth,
  };
}
