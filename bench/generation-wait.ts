// Starts generations through the GPU server's API and waits for their final events over the SSE
// subscription, as the web UI and scripts do.
import { performance } from 'node:perf_hooks';
import type { EaselClient } from '../client/index.js';

export interface GenerationSettings {
  prompt: string;
  steps: number;
  seed: number;
  /** A registered model id, loaded on demand; the most recently used resident model when omitted. */
  model?: string;
  sampler?: string;
  guidance?: number;
  width?: number;
  height?: number;
}

/** Resolves with the job's onnxruntime time (ms) when job `id` is done, rejects when it failed or was cancelled. */
export function whenDone(client: EaselClient, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const subscription = client.generate.onProgress.subscribe(
      { id },
      {
        onData(event) {
          if (event.status === 'done') {
            subscription.unsubscribe();
            resolve(event.runMs ?? Number.NaN);
          } else if (event.status === 'failed' || event.status === 'cancelled') {
            subscription.unsubscribe();
            reject(new Error(`generation ${id} ${event.status}: ${event.error.message}`));
          }
        },
        onError: reject,
      },
    );
  });
}

export interface GenerationTimes {
  /** From the first generate.start to the last done event, as the client sees it. */
  wallMs: number;
  /** The jobs' time inside onnxruntime run() calls, summed (each job's runMs). */
  runMs: number;
}

/** Queues `count` separate requests back to back and waits for all of them. */
export async function generateAll(client: EaselClient, settings: GenerationSettings, count: number): Promise<GenerationTimes> {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await client.generate.start.mutate({ ...settings, seed: settings.seed + i });
    ids.push(id);
  }
  const runMs = await Promise.all(ids.map((id) => whenDone(client, id)));
  return { wallMs: performance.now() - started, runMs: runMs.reduce((a, b) => a + b, 0) };
}
