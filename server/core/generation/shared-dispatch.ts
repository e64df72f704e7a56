// Where new jobs go when several GPU servers share the work (server/cluster/cluster-jobs.ts): the queue hands its
// rows to the shared queue instead of its own waiting line, and the node that claims a job runs it here through
// GenerationQueue.runClaimed. Absent (SQLite, one server), the queue runs every job it is given.
import type { KeepAliveRequest } from '../model-manager.js';
import type { GenerationRecord, NewGeneration } from '../ports.js';

/** What a job needs that its Generation row doesn't keep. */
export interface SharedJobExtras {
  keepAlive?: KeepAliveRequest;
  initImageBase64?: string;
}

export interface SharedDispatch {
  /** Saves the rows and queues their jobs in one transaction: all of them or none. */
  submit(jobs: Array<{ row: NewGeneration & { id: string }; extras: SharedJobExtras }>): Promise<GenerationRecord[]>;
  /** Jobs waiting in the shared queue (not yet taken by a node), for EASEL_QUEUE_LIMIT. */
  waiting(): Promise<number>;
  /** Ends a job this node isn't running: a queued one at once, one running elsewhere through its node. */
  cancelElsewhere(id: string, reason: string): Promise<void>;
}
