// What is loaded right now: the model, its runner, the configs and tensor contract read at load, the sampler.
import { EaselError } from './errors.js';
import type { LoadedModel, Runner } from './ports.js';

export interface LoadedPipeline {
  modelId: string;
  modelPath: string;
  /** The load that produced it; a runner exit from another epoch is not about this pipeline. */
  epoch: number;
  runner: Runner;
  model: LoadedModel;
  sampler: string;
}

export class PipelineHolder {
  private current: LoadedPipeline | null = null;

  get(): LoadedPipeline | null {
    return this.current;
  }

  require(): LoadedPipeline {
    if (!this.current) throw new EaselError('NOT_LOADED', 'No model is loaded; load one first (models.load)');
    return this.current;
  }

  set(pipeline: LoadedPipeline): void {
    this.current = pipeline;
  }

  /** Takes the pipeline out, leaving nothing loaded; returns what was there. */
  take(): LoadedPipeline | null {
    const taken = this.current;
    this.current = null;
    return taken;
  }

  setSampler(sampler: string): void {
    this.require().sampler = sampler;
  }

  /** Latent height/width the model was trained at. */
  sampleSize(): number {
    return this.require().model.sampleSize;
  }
}
