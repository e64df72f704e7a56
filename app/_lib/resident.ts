// Reading the multi-model status (models.status): one entry per model that is not IDLE.
import type { ModelStatus } from './trpc';

export type Resident = ModelStatus['models'][number];
export type DisplayState = Resident['state'] | 'NOT LOADED';

export function residentOf(status: ModelStatus | undefined, modelId: string): Resident | undefined {
  return status?.models.find((m) => m.modelId === modelId);
}

export function stateOf(status: ModelStatus | undefined, modelId: string): DisplayState {
  return residentOf(status, modelId)?.state ?? 'NOT LOADED';
}

/** One string per lifecycle picture: it changes when any model changes state or leaves. */
export function lifecycleKey(status: ModelStatus | undefined): string {
  return (status?.models ?? []).map((m) => `${m.modelId}:${m.state}`).sort().join(',');
}

/** The model to show first: one being loaded, else a loaded one, else any resident. */
export function focusModel(status: ModelStatus | undefined): Resident | undefined {
  const models = status?.models ?? [];
  return models.find((m) => m.state === 'LOADING') ?? models.find((m) => m.state === 'LOADED') ?? models[0];
}
