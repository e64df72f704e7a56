import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { PipelineHolder, type LoadedPipeline } from '../../../server/core/pipeline-holder.js';
import { FakeRunnerFactory, fakeLoadedModel } from '../../helpers/fake-runner.js';

function pipeline(): LoadedPipeline {
  const runner = new FakeRunnerFactory().spawn();
  return { modelId: 'A', modelPath: '/models/a', epoch: 1, runner, model: fakeLoadedModel({ sampleSize: 96 }), sampler: 'ddim' };
}

describe('PipelineHolder', () => {
  it('answers NOT_LOADED, telling the caller to load a model, while nothing is loaded', () => {
    const holder = new PipelineHolder();
    expect(holder.get()).toBeNull();
    const error = (() => {
      try {
        holder.sampleSize();
      } catch (e) {
        return e;
      }
    })();
    expect(isEaselError(error, 'NOT_LOADED')).toBe(true);
    expect((error as Error).message).toContain('load one first');
  });

  it('gives the loaded model’s sample size and changes its sampler', () => {
    const holder = new PipelineHolder();
    holder.set(pipeline());
    expect(holder.sampleSize()).toBe(96);
    holder.setSampler('euler');
    expect(holder.require().sampler).toBe('euler');
  });

  it('hands the pipeline over on take, leaving nothing loaded', () => {
    const holder = new PipelineHolder();
    const loaded = pipeline();
    holder.set(loaded);
    expect(holder.take()).toBe(loaded);
    expect(holder.get()).toBeNull();
    expect(holder.take()).toBeNull();
  });
});
