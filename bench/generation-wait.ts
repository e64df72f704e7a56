// Starts generations through the GPU server's API and waits for their final events over the SSE
// subscription, as the web UI and scripts do.
import { performance } from 'node:perf_hooks';
import type { EaselClient } from '../client/index.js';

export interface GenerationSettings {
  prompt: string;
  steps: number;
  seed: number;
}

/** Resolves when job `id` is done, rejects when it failed or was cancelled. */
function whenDone(client: EaselClient, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = client.generate.onProgress.subscribe(
      { id },
      {
        onData(event) {
          if (event.status === 'done') {
            subscription.unsubscribe();
            resolve();
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

/** Queues `count` separate requests back to back and waits for all; returns the wall time from the first start. */
export async function generateAll(client: EaselClient, settings: GenerationSettings, count: number): Promise<number> {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await client.generate.start.mutate({ prompt: settings.prompt, steps: settings.steps, seed: settings.seed + i });
    ids.push(id);
  }
  await Promise.all(ids.map((id) => whenDone(client, id)));
  return performance.now() - started;
}
