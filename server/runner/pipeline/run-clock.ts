// Every onnxruntime run of a generation goes through here, so its time inside run() is measured in one place.
import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { EaselError } from '../../core/errors.js';

export class RunClock {
  runMs = 0;

  async run(session: InferenceSession, feeds: InferenceSession.FeedsType, part: string): Promise<InferenceSession.ReturnType> {
    const start = performance.now();
    try {
      return await session.run(feeds);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new EaselError('GENERATION_FAILED', `${part} failed to run: ${reason}`, { cause: error });
    } finally {
      this.runMs += performance.now() - start;
    }
  }
}
