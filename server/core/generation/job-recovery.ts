// Start-up reconciliation of the jobs a crash left unfinished, before the server serves: a job that was running
// runs again (same seed, same image) unless it was already interrupted twice; queued jobs stay queued; a job
// whose model is gone fails NOT_FOUND. Every job ends or runs again — none is left hanging.
import { EaselError } from '../errors.js';
import type { GenerationRecord, GenerationStore, Logger } from '../ports.js';

/** Attempts after which an interrupted job is given up (INTERRUPTED). */
export const MAX_ATTEMPTS = 2;

export type RecoveryAction = { kind: 'requeue' } | { kind: 'fail'; error: EaselError };

/** What to do with one unfinished row; pure. */
export function recoveryFor(record: GenerationRecord, modelExists: boolean): RecoveryAction {
  if (!modelExists) {
    return { kind: 'fail', error: new EaselError('NOT_FOUND', `The model "${record.modelId}" of this job was removed while the server was down`) };
  }
  const wasStarted = record.status === 'running';
  if (wasStarted && record.attempts >= MAX_ATTEMPTS) {
    return { kind: 'fail', error: new EaselError('INTERRUPTED', `The job was interrupted by a server restart ${record.attempts} times; it is not tried again`) };
  }
  if (record.strength !== null) {
    return { kind: 'fail', error: new EaselError('INTERRUPTED', 'The job was interrupted by a server restart, and its initial image is not kept across restarts; start it again') };
  }
  return { kind: 'requeue' };
}

export interface RecoveryDeps {
  store: GenerationStore;
  modelExists(modelId: string): Promise<boolean>;
  requeue(record: GenerationRecord): Promise<void>;
  abandon(record: GenerationRecord, error: EaselError): Promise<void>;
  logger: Logger;
}

export async function recoverJobs(deps: RecoveryDeps): Promise<{ requeued: number; failed: number }> {
  let requeued = 0;
  let failed = 0;
  for (const record of await deps.store.unfinished()) {
    const action = recoveryFor(record, await deps.modelExists(record.modelId));
    if (action.kind === 'requeue') {
      await deps.requeue(record);
      requeued += 1;
    } else {
      await deps.abandon(record, action.error);
      failed += 1;
    }
  }
  if (requeued + failed > 0) deps.logger.info('jobs left by the last run reconciled', { requeued, failed });
  return { requeued, failed };
}
