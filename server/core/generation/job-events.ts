// What a generation's subscribers see, and a per-job fan-out of those events.
import type { LoadProgress } from '../ports.js';
export type JobEvent =
  | { id: string; status: 'queued'; position: number; step: 0; totalSteps: number; etaMs: null }
  // The job's model is being loaded (or waits for memory to load it): `loadProgress` as in models.status.
  | { id: string; status: 'loading'; modelId: string; step: 0; totalSteps: number; etaMs: null; loadProgress?: LoadProgress; waitingFor?: string }
  | { id: string; status: 'running'; step: number; totalSteps: number; etaMs: number | null; previewPng?: string }
  // runMs: milliseconds inside onnxruntime; null only for an image recorded before Easel kept that figure.
  | { id: string; status: 'done'; done: true; imageUrl: string; seed: number; durationMs: number; runMs: number | null }
  | { id: string; status: 'failed' | 'cancelled'; error: { code: string; message: string } };

export function isFinal(event: JobEvent): boolean {
  return event.status === 'done' || event.status === 'failed' || event.status === 'cancelled';
}

export class JobEvents {
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  private readonly latest = new Map<string, JobEvent>();

  /** The last event of a job still known in memory. */
  last(id: string): JobEvent | undefined {
    return this.latest.get(id);
  }

  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  emit(event: JobEvent): void {
    if (isFinal(event)) this.latest.delete(event.id);
    else this.latest.set(event.id, event);
    for (const listener of this.listeners.get(event.id) ?? []) listener(event);
  }
}
