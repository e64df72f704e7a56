// Opens what a node needs to share jobs with the others on a PostgreSQL database: pg-boss, the LISTEN/NOTIFY bus,
// and the worker that takes jobs (cluster-jobs.ts). Closed after the node's GenerationQueue has shut down.
import type { JobEvent } from '../core/generation/job-events.js';
import type { Logger } from '../core/ports.js';
import { createSharedJobRows } from '../db/shared-job-rows.js';
import { ClusterBus } from './cluster-bus.js';
import { ClusterJobs, type ClusterJobsDeps } from './cluster-jobs.js';
import { SharedJobQueue } from './shared-job-queue.js';

export interface ClusterWork {
  jobs: ClusterJobs;
  /** Sends an event of a job this node runs to the other nodes. */
  relayEvent: (event: JobEvent) => void;
  close(): Promise<void>;
}

export async function openClusterJobs(
  options: Omit<ClusterJobsDeps, 'queue' | 'bus' | 'rows'> & { url: string; logger: Logger },
): Promise<ClusterWork> {
  const queue = await SharedJobQueue.open(options.url, options.logger);
  const bus = new ClusterBus(options.url, options.logger);
  try {
    await bus.open();
  } catch (error) {
    await queue.stop();
    throw error;
  }
  const jobs = new ClusterJobs({ ...options, queue, bus, rows: createSharedJobRows(options.db) });
  return {
    jobs,
    relayEvent: (event) => void bus.publish({ kind: 'job', node: options.nodeName(), event }),
    async close() {
      await jobs.drained();
      await bus.close();
      await queue.stop();
    },
  };
}
