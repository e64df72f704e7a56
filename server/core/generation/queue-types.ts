// The types around the generation queue: what it needs of the facade and the registry, its dependencies, a job
// as it waits and runs, and what callers see of a generation.
import type { TransitionContext } from '../lifecycle/state-machine.js';
import type { ModelState } from '../lifecycle/transitions.js';
import type { Lease } from '../lease.js';
import type { KeepAliveRequest, ModelsStatus } from '../model-manager.js';
import type { Actor, Clock, GenerationRecord, GenerationRequest, GenerationStore, Logger, ModelDescription } from '../ports.js';
import type { GenerationInput } from './generation-params.js';
import type { JobEvent } from './job-events.js';
import type { SharedDispatch } from './shared-dispatch.js';

/** What the queue needs of the facade (ModelManager implements it). */
export interface ModelCache {
  acquire(modelId: string, options: { context: TransitionContext; keepAlive?: KeepAliveRequest; signal?: AbortSignal }): Promise<Lease>;
  mostRecentlyUsed(): string | null;
  modelState(modelId: string): ModelState;
  describe(modelId: string): { model: ModelDescription; modelPath: string; sampler: string } | null;
  attachJobs(port: { countsFor(modelId: string): { running: number; queued: number; pinning: number }; cancelFor(modelId: string, reason: string): void }): void;
  jobsChanged(): void;
  subscribe(listener: (status: ModelsStatus) => void): () => void;
}

/** Registered models' descriptions, for jobs whose model is not loaded yet. */
export interface ModelCatalog {
  describe(modelId: string): Promise<{ description: ModelDescription; path: string; defaultSampler: string | null } | null>;
}

export interface JobOrigin {
  actor: Actor;
  ownerRole: 'admin' | 'user' | 'local';
  ownerId: string | null;
  requestId?: string;
}

export interface StartInput extends GenerationInput {
  /** A registered model id; omitted: the most recently used resident model. */
  model?: string;
  /** Seconds (already parsed): how long the model stays loaded after this job. */
  keepAlive?: number;
}

export interface GenerationQueueDeps {
  models: ModelCache;
  catalog: ModelCatalog;
  store: GenerationStore;
  /** Where the runner writes a job's PNG, and the URL it is served at. */
  imagePath(id: string): string;
  imageUrl(id: string): string;
  newId(): string;
  randomSeed(): number;
  defaultSampler: string;
  logger: Logger;
  clock?: Clock;
  /** Jobs allowed to wait (running ones not counted). */
  limit?: number;
  /** Jobs running (or loading their model) at once, on different models. */
  parallel?: number;
  previewEvery?: number;
  /** Refuses new jobs when there is no room for their images (INSUFFICIENT_STORAGE). */
  assertStorage?: () => Promise<void>;
  /** Words past the model's token limit, as warnings for the caller. */
  promptWarnings?: (model: { path: string; description: ModelDescription }, texts: { prompt: string; negativePrompt: string }) => Promise<string[]>;
  /** Called when the last job has ended and none is waiting. */
  onDrained?: () => void;
  /** Called after a job ended (retention). */
  onFinished?: (id: string) => void;
  /** The GPU server running the jobs, recorded on each row it runs. */
  nodeName?: () => string | null;
  /** Images of one model that may share each UNet run (job-batching.ts); 1 (the default) runs jobs one by one. */
  batchLimit?: (modelId: string) => number;
  /** Several nodes share the jobs (PostgreSQL): new jobs go to the shared queue, not this one's line. */
  shared?: SharedDispatch;
  /** Every event of the jobs run here, for the other nodes' subscribers. */
  onEvent?: (event: JobEvent) => void;
}

export interface GenerationView extends Omit<GenerationRecord, 'imagePath'> {
  imageUrl?: string;
}

export interface Job {
  id: string;
  seq: number;
  modelId: string;
  request: GenerationRequest;
  keepAlive?: KeepAliveRequest;
  context: TransitionContext;
  controller: AbortController;
  cancelReason?: string;
  phase: 'queued' | 'loading' | 'running';
  prompt: string;
  ownerId: string | null;
  createdAt: Date;
  attempts: number;
  /** Set when this node stops with the shared queue: the job is not ended here but run again elsewhere. */
  leftToOthers?: boolean;
}
