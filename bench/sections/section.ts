// What every benchmark section gets and gives back: the run's settings, and result rows plus raw figures.
import type { BenchModels } from '../models/bench-models.js';
import type { BenchServer } from '../server-process.js';
import type { ResultRow } from '../table.js';

/**
 * The pause after a load or an unload before the next timed action, as between a person's clicks. The server starts
 * its next runner after a second of quiet; a load sent sooner boots one itself (the load section's no-pause row).
 */
export const SETTLE_MS = 2000;

export interface BenchSettings {
  quick: boolean;
  /** onnxruntime intra-op threads, the same for the runner and every baseline. */
  threads: number;
  /** A scratch folder for images and data, removed at the end. */
  workDir: string;
  models: BenchModels;
}

export interface SectionResult {
  rows: ResultRow[];
  /** Every sample behind the rows, written to bench/results.json. */
  raw: Record<string, unknown>;
}

export interface Section {
  name: string;
  /** Sections that need the GPU server get it; the runner-level ones run before it starts. */
  needsServer: boolean;
  run(settings: BenchSettings, server: BenchServer | undefined): Promise<SectionResult>;
}
