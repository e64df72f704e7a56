// What the OpenAI and AUTOMATIC1111 adapters need from Easel: the registry, the one job queue and the facade,
// seen through one narrow port so neither adapter can grow a second pipeline.

import type { GenerationInput } from '../core/generation/generation-params.js';

export type CompatActor = 'openai' | 'a1111';

/** Who asked, as recorded on the job row and the audit log. */
export interface JobOrigin {
  actor: CompatActor;
  ownerRole: 'admin' | 'user' | 'local';
  ownerId: string | null;
  requestId?: string;
}

export interface CompatModel {
  id: string;
  name: string;
  path: string;
  createdAt: Date;
}

/** One request in Easel's own terms (server/core/generation/generation-params.ts validates it); `model` loads on demand. */
export type ImageRequest = GenerationInput & { model?: string };

export interface JobProgress {
  step: number;
  totalSteps: number;
  etaMs: number | null;
  /** data:image/png;base64,… of the current prediction, every few steps. */
  previewPng?: string;
}

export type JobEnd =
  | { status: 'done'; seed: number }
  | { status: 'failed' | 'cancelled'; error: { code: string; message: string } };

/** A job not yet ended, as the queue lists it. */
export interface ActiveJob {
  id: string;
  modelId: string;
  status: 'queued' | 'loading' | 'running';
  step: number;
  totalSteps: number;
  etaMs: number | null;
  previewPng?: string;
}

export interface ImageJobsPort {
  models(): Promise<CompatModel[]>;
  /** Persists and queues one job per image; rejects with an EaselError (INVALID_INPUT, BUSY, NOT_FOUND, …). */
  submit(request: ImageRequest, origin: JobOrigin): Promise<{ ids: string[] }>;
  /** Resolves with the job's final state; rejects CANCELLED once `signal` aborts (the job itself keeps going). */
  waitForEnd(id: string, options?: { signal?: AbortSignal; onProgress?: (progress: JobProgress) => void }): Promise<JobEnd>;
  readImage(id: string): Promise<Buffer>;
  active(): ActiveJob[];
  cancel(id: string): Promise<void>;
  loadModel(id: string, origin: JobOrigin): Promise<void>;
  /** The loaded model a request that names none runs on: the most recently used. */
  currentModel(): string | null;
}
