// The adapters' port over Easel's Services: the registry, the generation queue and the facade. The only file of
// server/compat that knows their shapes.
import { EaselError } from '../core/errors.js';
import type { Services } from '../api/services.js';
import type { JobEvent } from '../core/generation/job-events.js';
import type { ActiveJob, ImageJobsPort, JobEnd, JobProgress } from './compat-port.js';

/** The end a final event describes, or null while the job goes on. */
function endOf(event: JobEvent): JobEnd | null {
  if (event.status === 'done') return { status: 'done', seed: event.seed };
  if (event.status === 'failed' || event.status === 'cancelled') return { status: event.status, error: event.error };
  return null;
}

function progressOf(event: JobEvent): JobProgress | null {
  if (event.status !== 'running') return null;
  const progress: JobProgress = { step: event.step, totalSteps: event.totalSteps, etaMs: event.etaMs };
  if (event.previewPng !== undefined) progress.previewPng = event.previewPng;
  return progress;
}

export function createServicesPort(services: Services): ImageJobsPort {
  const { generations, manager, registry, storage } = services;

  /** A job that ended before anyone listened: its end, rebuilt from the record. */
  async function recordedEnd(id: string): Promise<JobEnd | null> {
    const record = await generations.get(id);
    if (record.status === 'done') return { status: 'done', seed: record.seed };
    if (record.status === 'failed' || record.status === 'cancelled') {
      const code = record.status === 'cancelled' ? 'CANCELLED' : 'GENERATION_FAILED';
      return { status: record.status, error: { code, message: record.error ?? `The job was ${record.status}` } };
    }
    return null;
  }

  return {
    async models() {
      const models = await registry.list();
      return models.map(({ id, name, path, createdAt }) => ({ id, name, path, createdAt }));
    },

    async submit(request, origin) {
      const { ids } = await generations.start(request, origin);
      return { ids };
    },

    waitForEnd(id, options = {}) {
      const { signal, onProgress } = options;
      return new Promise<JobEnd>((resolve, reject) => {
        let settled = false;
        const finish = (end: JobEnd) => {
          if (settled) return;
          settled = true;
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve(end);
        };
        const onAbort = () => {
          if (settled) return;
          settled = true;
          off();
          reject(new EaselError('CANCELLED', 'The client went away before the job ended'));
        };
        const onEvent = (event: JobEvent) => {
          const end = endOf(event);
          if (end) return finish(end);
          const progress = progressOf(event);
          if (progress) onProgress?.(progress);
        };
        // Subscribe first, then look: an end between the two is seen either way.
        const off = generations.subscribe(id, onEvent);
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const last = generations.lastEvent(id);
        if (last) return onEvent(last);
        recordedEnd(id).then((end) => end && finish(end), (error: unknown) => {
          if (settled) return;
          settled = true;
          off();
          reject(error);
        });
      });
    },

    async readImage(id) {
      const bytes = await storage.completedImage(id);
      if (bytes === null) throw new EaselError('NOT_FOUND', `Image ${id} is gone (deleted, or removed by the retention policy) before it could be sent`);
      return bytes;
    },

    active() {
      return generations.jobs().map(({ id, modelId, status, step, totalSteps, etaMs }): ActiveJob => {
        const job: ActiveJob = { id, modelId, status, step, totalSteps, etaMs };
        const last = generations.lastEvent(id);
        if (last?.status === 'running' && last.previewPng !== undefined) job.previewPng = last.previewPng;
        return job;
      });
    },

    async cancel(id) {
      await generations.cancel(id);
    },

    async loadModel(id, origin) {
      await manager.load(id, { actor: origin.actor, requestId: origin.requestId ?? null });
    },

    currentModel() {
      return manager.mostRecentlyUsed();
    },
  };
}
