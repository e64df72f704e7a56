// The live list of unfinished jobs that every tab and client sees (generate.jobs / generate.onJobs): each job's
// model, prompt and latest progress, in the order they will run, with a change notification.
import type { LoadProgress } from '../ports.js';
import { isFinal, type JobEvent } from './job-events.js';

export interface ActiveJobView {
  id: string;
  modelId: string;
  /** The stable id of the token that asked (see server/api/identity.ts). */
  ownerId: string | null;
  prompt: string;
  createdAt: Date;
  /** The node that holds the job; null while it waits in the shared queue for one to take it. */
  node: string | null;
  status: 'queued' | 'loading' | 'running';
  /** 1-based place in the line while queued; 0 once it has started. */
  position: number;
  step: number;
  totalSteps: number;
  etaMs: number | null;
  loadProgress?: LoadProgress;
}

export interface JobEntry {
  id: string;
  modelId: string;
  ownerId: string | null;
  prompt: string;
  createdAt: Date;
  totalSteps: number;
  node: string | null;
}

function stepOf(event: JobEvent): number {
  return event.status === 'queued' || event.status === 'loading' || event.status === 'running' ? event.step : -1;
}

export class JobList {
  private order: JobEntry[] = [];
  private readonly latest = new Map<string, JobEvent>();
  private readonly listeners = new Set<(jobs: ActiveJobView[]) => void>();

  setOrder(order: JobEntry[]): void {
    this.order = order;
    const ids = new Set(order.map((entry) => entry.id));
    for (const id of this.latest.keys()) if (!ids.has(id)) this.latest.delete(id);
    this.notify();
  }

  update(event: JobEvent): void {
    if (isFinal(event)) {
      this.latest.delete(event.id);
      this.order = this.order.filter((entry) => entry.id !== event.id);
      this.notify();
      return;
    }
    const previous = this.latest.get(event.id);
    this.latest.set(event.id, event);
    // Previews and step counts arrive often: only a change of status or step is worth telling every tab.
    if (!previous || previous.status !== event.status || stepOf(previous) !== stepOf(event) || event.status === 'loading') this.notify();
  }

  snapshot(): ActiveJobView[] {
    return this.order.map((entry) => {
      const event = this.latest.get(entry.id);
      const view: ActiveJobView = { ...entry, status: 'queued', position: 0, step: 0, etaMs: null };
      if (!event) return view;
      switch (event.status) {
        case 'queued':
          return { ...view, position: event.position };
        case 'loading':
          return event.loadProgress ? { ...view, status: 'loading', loadProgress: event.loadProgress } : { ...view, status: 'loading' };
        case 'running':
          return { ...view, status: 'running', step: event.step, totalSteps: event.totalSteps, etaMs: event.etaMs };
        default:
          return view;
      }
    });
  }

  subscribe(listener: (jobs: ActiveJobView[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    if (this.listeners.size === 0) return;
    const jobs = this.snapshot();
    for (const listener of this.listeners) listener(jobs);
  }
}
