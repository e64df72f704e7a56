// What models.onPull streams: one pull's progress, as a snapshot that is complete on its own.

const PULL_STATUSES = ['downloading', 'verifying', 'registering', 'done', 'failed', 'cancelled'] as const;
export type PullStatus = (typeof PULL_STATUSES)[number];

const FINAL: ReadonlySet<PullStatus> = new Set(['done', 'failed', 'cancelled']);

export function isFinalPullStatus(status: PullStatus): boolean {
  return FINAL.has(status);
}

export interface PullEvent {
  pullId: string;
  repo: string;
  revision: string;
  subfolder: string | null;
  /** The model folder the files go to (in the first model root). */
  folder: string;
  status: PullStatus;
  files: { done: number; total: number };
  bytes: { done: number; total: number };
  /** Time left at the rate of this pull's transfer so far; null until bytes have arrived, 0 once ended. */
  etaMs: number | null;
  /** The file being downloaded or verified. */
  file: string | null;
  /** The registered model, once done. */
  modelId: string | null;
  error?: { code: string; message: string };
}
