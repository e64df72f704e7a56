// The cluster's durable job queue: pg-boss on the shared PostgreSQL, one queue per model ("easel-generate-<model>")
// so that a node can take the jobs of the models it already holds first. A job's pg-boss id is its Generation id;
// its data is what the Generation row doesn't keep (keep-alive, an image-to-image input). The row stays the record of
// the job; pg-boss is only the line and the lock. A job is tried again once when the node running it is lost.
import PgBoss from 'pg-boss';
import type { KeepAliveRequest } from '../core/model-manager.js';
import type { Logger } from '../core/ports.js';

export const QUEUE_PREFIX = 'easel-generate-';
/** pg-boss's schema inside the shared database. */
const SCHEMA = 'pgboss';
/** Attempts in all = 1 + this: the same MAX_ATTEMPTS as a restart on one machine (job-recovery.ts). */
const RETRY_LIMIT = 1;
/**
 * A job whose node neither finishes it nor is seen lost within this time is given back by pg-boss itself. Lost
 * nodes are found far sooner (3 missed heartbeats, see job-rescue.ts); this is the backstop for a whole cluster down.
 */
const EXPIRE_SECONDS = 6 * 60 * 60;

export interface SharedJobData {
  modelId: string;
  keepAlive?: KeepAliveRequest;
  initImageBase64?: string;
}

export interface ClaimedJob {
  id: string;
  data: SharedJobData;
}

/** Runs one statement inside the caller's transaction (pg-boss's `db` option). */
export type SqlExecutor = (text: string, values: unknown[]) => Promise<unknown[]>;

export class SharedJobQueue {
  private readonly created = new Set<string>();

  private constructor(private readonly boss: PgBoss) {}

  static async open(connectionString: string, logger: Logger): Promise<SharedJobQueue> {
    const boss = new PgBoss({ connectionString, schema: SCHEMA, max: 4, schedule: false, supervise: true, application_name: 'easel-jobs' });
    boss.on('error', (error: Error) => logger.warn('job queue error', { error: String(error) }));
    await boss.start();
    return new SharedJobQueue(boss);
  }

  static queueOf(modelId: string): string {
    return `${QUEUE_PREFIX}${modelId}`;
  }

  /** Creates the model's queue once (idempotent across nodes). Outside any transaction: it creates a table. */
  async ensureQueue(modelId: string): Promise<void> {
    if (this.created.has(modelId)) return;
    await this.boss.createQueue(SharedJobQueue.queueOf(modelId), { name: SharedJobQueue.queueOf(modelId), retryLimit: RETRY_LIMIT, retryDelay: 0, expireInSeconds: EXPIRE_SECONDS });
    this.created.add(modelId);
  }

  /** Queues a job in the caller's transaction, so the job exists exactly when its Generation row does. */
  async send(sql: SqlExecutor, id: string, data: SharedJobData, priority = 0): Promise<void> {
    const db = { executeSql: async (text: string, values: unknown[]) => ({ rows: await sql(text, values) }) };
    await this.boss.send(SharedJobQueue.queueOf(data.modelId), data, { id, priority, db } as PgBoss.SendOptions);
  }

  /** Takes the next job of a model's queue, locked for this node (SKIP LOCKED), or null. */
  async fetch(modelId: string): Promise<ClaimedJob | null> {
    const [job] = await this.boss.fetch<SharedJobData>(SharedJobQueue.queueOf(modelId), { batchSize: 1 });
    return job ? { id: job.id, data: job.data } : null;
  }

  /** The models that have a queue (every model ever asked for on this cluster). */
  async models(): Promise<string[]> {
    const queues = await this.boss.getQueues();
    return queues.filter((q) => q.name.startsWith(QUEUE_PREFIX)).map((q) => q.name.slice(QUEUE_PREFIX.length));
  }

  async complete(modelId: string, id: string): Promise<void> {
    await this.boss.complete(SharedJobQueue.queueOf(modelId), id);
  }

  async cancel(modelId: string, id: string): Promise<void> {
    await this.boss.cancel(SharedJobQueue.queueOf(modelId), id);
  }

  /** Gives a job back after its node was lost: true when it will run again, false when its attempts are spent. */
  async giveBack(modelId: string, id: string, reason: string): Promise<boolean> {
    const name = SharedJobQueue.queueOf(modelId);
    await this.boss.fail(name, id, { reason });
    const job = await this.boss.getJobById(name, id);
    return job?.state === 'retry' || job?.state === 'created';
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, timeout: 2000 });
  }
}
