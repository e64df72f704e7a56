// Which waiting job starts next, and which waiting jobs pin their model, as pure functions of the queue.
// Jobs start in arrival order, one at a time per model; a job whose model already has a job running or loading
// is passed over for the next one. A job waiting for its model to load (perhaps for memory to load it) holds back
// the jobs that arrived after it for other models, which therefore don't pin their models against eviction:
// otherwise a model kept by a later job could block the earlier job's load for good.

export interface OrderedJob {
  seq: number;
  modelId: string;
}

export interface ActiveJob extends OrderedJob {
  phase: 'loading' | 'running';
}

/** The next waiting job to start, or null. `waiting` is in arrival order. */
export function pickNext<T extends OrderedJob>(waiting: readonly T[], active: readonly ActiveJob[]): T | null {
  const busy = new Set(active.map((job) => job.modelId));
  for (const job of waiting) {
    if (!busy.has(job.modelId)) return job;
  }
  return null;
}

/** Waiting jobs of `modelId` that pin it: those not held back behind a load of another model. */
export function pinningJobs(modelId: string, waiting: readonly OrderedJob[], active: readonly ActiveJob[]): number {
  const loads = active.filter((job) => job.phase === 'loading' && job.modelId !== modelId).map((job) => job.seq);
  const barrier = loads.length > 0 ? Math.min(...loads) : Infinity;
  return waiting.filter((job) => job.modelId === modelId && job.seq < barrier).length;
}
