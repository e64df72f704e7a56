// Waits for the jobs of one compatibility request: a job that fails or is cancelled ends the request (the jobs
// after it are cancelled), and a client that goes away cancels what it left behind.
import { ERROR_CODES, EaselError, type EaselErrorCode } from '../core/errors.js';
import type { ImageJobsPort, JobEnd, JobProgress } from './compat-port.js';

const ENDED_WITH_REQUEST: JobEnd = { status: 'cancelled', error: { code: 'CANCELLED', message: 'An earlier image of this request did not finish' } };

export async function awaitBatch(
  port: ImageJobsPort,
  ids: readonly string[],
  options: { signal?: AbortSignal; onProgress?: (id: string, progress: JobProgress) => void } = {},
): Promise<JobEnd[]> {
  const { signal, onProgress } = options;
  const ends: JobEnd[] = [];
  const cancelRest = (from: number) => Promise.all(ids.slice(from).map((id) => port.cancel(id)));
  for (const [index, id] of ids.entries()) {
    let end: JobEnd;
    try {
      end = await port.waitForEnd(id, { signal, onProgress: (progress) => onProgress?.(id, progress) });
    } catch (error) {
      await cancelRest(index);
      throw error;
    }
    ends.push(end);
    if (end.status !== 'done') {
      await cancelRest(index + 1);
      ends.push(...ids.slice(index + 1).map(() => ENDED_WITH_REQUEST));
      break;
    }
  }
  return ends;
}

/** The error a job that did not finish ended with, under its own code when it is one of Easel's. */
export function endError(end: Exclude<JobEnd, { status: 'done' }>): EaselError {
  const known = (ERROR_CODES as readonly string[]).includes(end.error.code);
  const code: EaselErrorCode = known ? (end.error.code as EaselErrorCode) : end.status === 'cancelled' ? 'CANCELLED' : 'GENERATION_FAILED';
  return new EaselError(code, end.error.message);
}
