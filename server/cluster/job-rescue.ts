// Jobs whose node is gone go back to the shared queue. Every node sweeps on its heartbeat: a job started (loading or
// running) on a node that is lost (3 missed heartbeats) or stopped is queued again, once, for any node to take with
// the same seed (the same image); a job already tried twice fails INTERRUPTED. At start-up a node does the same for
// the jobs its own previous run left started. The row's conditional update decides which rescuer acts.
import type { JobEvent } from '../core/generation/job-events.js';
import type { Logger } from '../core/ports.js';
import type { SharedJobRows } from '../db/shared-job-rows.js';
import type { NodeView } from './node-presence.js';
import type { SharedJobQueue } from './shared-job-queue.js';

export interface JobRescueDeps {
  rows: SharedJobRows;
  queue: Pick<SharedJobQueue, 'giveBack'>;
  nodes: () => Promise<NodeView[]>;
  nodeName: () => string;
  /** True when this node runs the job now. */
  held: (id: string) => boolean;
  publishFinal: (event: JobEvent) => Promise<void>;
  /** Wakes the nodes' workers: a job is back in the queue. */
  nudge: () => Promise<void>;
  logger: Logger;
}

export class JobRescue {
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(private readonly deps: JobRescueDeps) {}

  /** This node's own jobs left started by its previous run (a crash, then a restart under the same name). */
  async ownLeftovers(): Promise<number> {
    const me = this.deps.nodeName();
    const rows = (await this.deps.rows.startedOn([me])).filter((row) => !this.deps.held(row.id));
    for (const row of rows) await this.giveBack(row, `node "${me}" restarted while running it`);
    return rows.length;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over the nodes that are gone; returns how many jobs it gave back or ended. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const gone = (await this.deps.nodes()).filter((node) => node.liveness !== 'alive' && node.name !== this.deps.nodeName());
      const rows = await this.deps.rows.startedOn(gone.map((node) => node.name));
      for (const row of rows) await this.giveBack(row, `node "${row.node}" was lost while running it`);
      return rows.length;
    } catch (error) {
      this.deps.logger.warn('looking for the jobs of lost nodes failed', { error: String(error) });
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  private async giveBack(row: { id: string; modelId: string; node: string }, why: string): Promise<void> {
    if (!(await this.deps.rows.requeueFrom(row.id, row.node))) return;
    let again: boolean;
    try {
      again = await this.deps.queue.giveBack(row.modelId, row.id, why);
    } catch (error) {
      // pg-boss still holds the job: put the row back as it was, so that the next sweep tries again.
      await this.deps.rows.restoreStarted(row.id, row.node);
      throw error;
    }
    if (again) {
      this.deps.logger.info('a job of a lost node was queued again', { id: row.id, node: row.node });
      await this.deps.nudge();
      return;
    }
    const message = `The job was interrupted twice (${why}); it is not tried again`;
    await this.deps.rows.failQueued(row.id, message, new Date());
    await this.deps.publishFinal({ id: row.id, status: 'failed', error: { code: 'INTERRUPTED', message } });
  }
}
