// Which waiting jobs may run with a job in one batch (one UNet run per step for all of them): same model, size,
// sampler, steps and guidance, each starting from noise (an image-to-image job runs alone). The batch size comes
// from the server (EASEL_MAX_BATCH, else by device: batching pays on a GPU, not on a CPU; see the README).
import type { GenerationRequest } from '../ports.js';
import type { Job } from './generation-queue.js';

/** Requests with the same key can share each UNet run (the runner checks it too); null: this one runs alone. */
export function requestBatchKey(request: GenerationRequest): string | null {
  if (request.initImageBase64 !== undefined || request.strength !== undefined) return null;
  return [request.width, request.height, request.sampler, request.steps, request.guidance].join('|');
}

function batchKey(job: Job): string | null {
  const key = requestBatchKey(job.request);
  return key === null ? null : `${job.modelId}|${key}`;
}

/** Up to `limit − 1` waiting jobs that can join `job`, in line order. */
export function batchCompanions(job: Job, waiting: readonly Job[], limit: number): Job[] {
  if (limit <= 1) return [];
  const key = batchKey(job);
  if (key === null) return [];
  return waiting.filter((other) => other !== job && batchKey(other) === key).slice(0, limit - 1);
}

/** Aborts once every one of `signals` has. */
export function allAborted(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  const check = () => {
    if (signals.every((s) => s.aborted)) controller.abort(signals[0]!.reason);
  };
  for (const signal of signals) signal.addEventListener('abort', check, { once: true });
  check();
  return controller.signal;
}
