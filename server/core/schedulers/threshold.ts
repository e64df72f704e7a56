// Dynamic thresholding (Imagen, Saharia et al. 2022) of a predicted x0, per image as diffusers does per batch item.
import type { SchedulerOptions } from './types.js';

export class DynamicThreshold {
  private scratch = new Float32Array(0);

  constructor(
    private readonly ratio: number,
    private readonly maxValue: number,
    private readonly batchSize: number,
  ) {}

  /** Clamps each image to its `ratio` quantile of |x| (at least 1, at most maxValue) and rescales by it. */
  applyInPlace(x: Float32Array): void {
    const perImage = x.length / this.batchSize;
    if (this.scratch.length !== perImage) this.scratch = new Float32Array(perImage);
    for (let b = 0; b < this.batchSize; b++) {
      const start = b * perImage;
      for (let i = 0; i < perImage; i++) this.scratch[i] = Math.abs(x[start + i]!);
      this.scratch.sort();
      const s = Math.min(Math.max(quantileOfSorted(this.scratch, this.ratio), 1), this.maxValue);
      for (let i = start; i < start + perImage; i++) x[i] = Math.min(Math.max(x[i]!, -s), s) / s;
    }
  }
}

interface ThresholdConfig {
  thresholding: boolean;
  dynamic_thresholding_ratio: number;
  sample_max_value: number;
}

/** The threshold a scheduler_config.json asks for, or null when thresholding is off. */
export function configuredThreshold(config: ThresholdConfig, options: SchedulerOptions): DynamicThreshold | null {
  return config.thresholding
    ? new DynamicThreshold(config.dynamic_thresholding_ratio, config.sample_max_value, options.batchSize ?? 1)
    : null;
}

/** torch.quantile's default linear interpolation between the two nearest ranks. */
function quantileOfSorted(sorted: Float32Array, q: number): number {
  const rank = q * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = rank - below;
  return sorted[below]! + weight * (sorted[above]! - sorted[below]!);
}

export function clipInPlace(x: Float32Array, range: number): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i]!, -range), range);
}
