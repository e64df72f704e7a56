// Which waiting jobs may share a UNet run with a job (batchCompanions), and the signal that aborts only once every
// job of a group has been cancelled (allAborted).
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../server/core/generation/generation-queue.js';
import { allAborted, batchCompanions } from '../../../../server/core/generation/job-batching.js';
import type { GenerationRequest } from '../../../../server/core/ports.js';

/** A job of model A, 512×512, DDIM, 20 steps, guidance 7.5, from noise; only what batching reads is real. */
function job(id: string, overrides: Partial<GenerationRequest> & { modelId?: string } = {}): Job {
  const { modelId = 'A', ...request } = overrides;
  return {
    id,
    modelId,
    request: { jobId: id, prompt: `prompt of ${id}`, negativePrompt: '', sampler: 'DDIM', steps: 20, guidance: 7.5, seed: 1, width: 512, height: 512, outputPath: `/out/${id}.png`, ...request },
  } as Job;
}

const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);

describe('batchCompanions', () => {
  it('returns nothing with a limit of 1 or less, however many jobs could join', () => {
    const lead = job('j1');
    const waiting = [lead, job('j2'), job('j3')];
    expect(batchCompanions(lead, waiting, 1)).toEqual([]);
    expect(batchCompanions(lead, waiting, 0)).toEqual([]);
  });

  it('returns up to limit − 1 compatible waiting jobs in line order, never the job itself', () => {
    const lead = job('j1');
    const waiting = [lead, job('j2'), job('j3'), job('j4'), job('j5')];
    expect(ids(batchCompanions(lead, waiting, 4))).toEqual(['j2', 'j3', 'j4']);
    expect(ids(batchCompanions(lead, waiting, 2))).toEqual(['j2']);
  });

  it('returns every compatible job when fewer than the limit wait', () => {
    const lead = job('j1');
    expect(ids(batchCompanions(lead, [lead, job('j2')], 8))).toEqual(['j2']);
    expect(batchCompanions(lead, [lead], 8)).toEqual([]);
  });

  it('finds companions for a job that is no longer in the line', () => {
    expect(ids(batchCompanions(job('j1'), [job('j2'), job('j3')], 4))).toEqual(['j2', 'j3']);
  });

  it.each([
    ['model', { modelId: 'B' }],
    ['width', { width: 640 }],
    ['height', { height: 384 }],
    ['sampler', { sampler: 'EULER' }],
    ['steps', { steps: 30 }],
    ['guidance', { guidance: 5 }],
  ])('leaves out a job with another %s, keeping the line order of the rest', (_, difference) => {
    const lead = job('j1');
    const waiting = [lead, job('j2', difference), job('j3'), job('j4', difference), job('j5')];
    expect(ids(batchCompanions(lead, waiting, 4))).toEqual(['j3', 'j5']);
  });

  it('skips incompatible jobs without counting them against the limit', () => {
    const lead = job('j1');
    const waiting = [lead, job('j2', { steps: 5 }), job('j3'), job('j4', { steps: 5 }), job('j5'), job('j6')];
    expect(ids(batchCompanions(lead, waiting, 3))).toEqual(['j3', 'j5']);
  });

  it('batches jobs that differ only in prompt, negative prompt, seed and output', () => {
    const lead = job('j1');
    const other = job('j2', { prompt: 'a castle', negativePrompt: 'blur', seed: 99, outputPath: '/elsewhere.png', previewEvery: 2 });
    expect(ids(batchCompanions(lead, [lead, other], 2))).toEqual(['j2']);
  });

  it('gives an image-to-image job no companions, by its input image or its strength', () => {
    for (const img2img of [{ initImageBase64: 'iVBORw0KGgo=' }, { strength: 0.6 }, { initImageBase64: 'iVBORw0KGgo=', strength: 0.6 }]) {
      const lead = job('j1', img2img);
      expect(batchCompanions(lead, [lead, job('j2'), job('j3', img2img)], 4)).toEqual([]);
    }
  });

  it('never adds an image-to-image job to a batch', () => {
    const lead = job('j1');
    const waiting = [lead, job('j2', { initImageBase64: 'iVBORw0KGgo=' }), job('j3', { strength: 0.3 }), job('j4')];
    expect(ids(batchCompanions(lead, waiting, 4))).toEqual(['j4']);
  });

  it('counts a strength of 0 as image-to-image', () => {
    const lead = job('j1');
    expect(ids(batchCompanions(lead, [lead, job('j2', { strength: 0 }), job('j3')], 4))).toEqual(['j3']);
    expect(batchCompanions(job('j4', { strength: 0 }), [job('j5')], 4)).toEqual([]);
  });
});

describe('allAborted', () => {
  it('aborts only once every signal has, in any order', () => {
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const signal = allAborted(controllers.map((c) => c.signal));
    controllers[1]!.abort('second');
    controllers[2]!.abort('third');
    expect(signal.aborted).toBe(false);
    controllers[0]!.abort('first');
    expect(signal.aborted).toBe(true);
  });

  it('takes the reason of the first signal (the lead job), not of the last one aborted', () => {
    const controllers = [new AbortController(), new AbortController()];
    const signal = allAborted(controllers.map((c) => c.signal));
    controllers[0]!.abort('lead cancelled');
    controllers[1]!.abort('companion cancelled');
    expect(signal.reason).toBe('lead cancelled');
  });

  it('stays live while any one signal is not aborted', () => {
    const controllers = [new AbortController(), new AbortController()];
    const signal = allAborted(controllers.map((c) => c.signal));
    controllers[0]!.abort('gone');
    expect(signal.aborted).toBe(false);
  });

  it('is aborted at once when every signal already is', () => {
    const reason = new Error('cancelled before');
    const signal = allAborted([AbortSignal.abort(reason), AbortSignal.abort('other')]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
  });

  it('counts signals aborted before it was made together with those aborted after', () => {
    const later = new AbortController();
    const signal = allAborted([AbortSignal.abort('early'), later.signal]);
    expect(signal.aborted).toBe(false);
    later.abort('late');
    expect(signal.aborted).toBe(true);
  });

  it('follows a single signal', () => {
    const controller = new AbortController();
    const signal = allAborted([controller.signal]);
    expect(signal.aborted).toBe(false);
    controller.abort('only');
    expect(signal).toMatchObject({ aborted: true, reason: 'only' });
  });

  it('fires its abort event once', () => {
    const controllers = [new AbortController(), new AbortController()];
    const signal = allAborted(controllers.map((c) => c.signal));
    let fired = 0;
    signal.addEventListener('abort', () => (fired += 1));
    controllers[0]!.abort();
    controllers[1]!.abort();
    expect(fired).toBe(1);
  });
});
