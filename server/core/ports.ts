// Interfaces the core needs from the outside world (runner processes, persistence, time). Implemented in
// server/runner and server/db; faked in tests/helpers.
import type { ModelState, TransitionReason } from './lifecycle/transitions.js';

export type Actor = 'ui' | 'script' | 'system';
export const ACTORS: readonly Actor[] = ['ui', 'script', 'system'];

export type Device = 'cpu' | 'cuda' | 'webgpu';
export type DevicePreference = Device | 'auto';

export const MODEL_PARTS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'] as const;
export type ModelPart = (typeof MODEL_PARTS)[number];

/** One input or output of an ONNX session, as onnxruntime reports it. */
export interface TensorInfo {
  name: string;
  /** onnxruntime's tensor type: 'float32', 'float16', 'int64', 'int32', … */
  type: string;
  /** Symbolic dimensions are strings, unknown ones -1. */
  dims: Array<number | string>;
}

export interface PartInfo {
  part: ModelPart;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** What a model folder says about itself once every part has been opened. */
export interface ModelDescription {
  /** Latent height/width the UNet was trained at (unet/config.json sample_size). */
  sampleSize: number;
  /** Image pixels per latent pixel (2^(len(block_out_channels)-1) of the VAE; 8 for SD). */
  vaeScaleFactor: number;
  /** vae_decoder/config.json scaling_factor (0.18215 for SD 1.x). */
  vaeScalingFactor: number;
  latentChannels: number;
  tokenizerMaxLength: number;
  parts: PartInfo[];
  hasVaeEncoder: boolean;
  /** scheduler/scheduler_config.json as stored. */
  schedulerConfig: Record<string, unknown>;
}

export interface LoadedModel extends ModelDescription {
  device: Device;
  /** Why the device differs from the one asked for (e.g. CUDA provider missing), if it does. */
  deviceNote?: string;
}

export interface LoadProgress {
  part: ModelPart;
  /** 0-based index of the part being loaded. */
  index: number;
  count: number;
  /** Fraction of parts finished, 0..1. */
  fraction: number;
}

export interface RunnerExit {
  code: number | null;
  signal: string | null;
}

export interface RunnerMemory {
  rssBytes: number;
  gpuBytes?: number;
}

export interface LoadRequest {
  modelPath: string;
  device: DevicePreference;
}

/** A child process that owns onnxruntime sessions for one model. */
export interface Runner {
  readonly pid: number | undefined;
  /** Opens every part; rejects with EaselError LOAD_FAILED (bad model) or CANCELLED (signal aborted → process killed). */
  load(request: LoadRequest, options: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal }): Promise<LoadedModel>;
  memory(): Promise<RunnerMemory>;
  /** Asks the runner to release its sessions and exit; SIGKILL after graceMs. Resolves once the process has exited. */
  stop(graceMs?: number): Promise<RunnerExit>;
  /** SIGKILL now; resolves once the process has exited. */
  kill(): Promise<RunnerExit>;
  /** Called once if the process exits without stop()/kill() having been asked for. */
  onUnexpectedExit(listener: (exit: RunnerExit) => void): void;
}

export interface RunnerFactory {
  spawn(): Runner;
}

export interface TransitionRecord {
  at: Date;
  modelId: string | null;
  from: ModelState;
  to: ModelState;
  reason: TransitionReason;
  actor: Actor;
  requestId: string | null;
  /** How long the state being left lasted. */
  durationMs: number | null;
  error: string | null;
  /** Extra figures, e.g. memory released on unload. */
  details: Record<string, unknown> | null;
}

/** Append-only log of every applied transition. */
export interface AuditLog {
  append(record: TransitionRecord): Promise<void>;
  /** The newest record, used at start-up to find a state left behind by a crash. */
  last(): Promise<TransitionRecord | null>;
}

export interface ModelLookup {
  /** The registered model's folder, or null when no model has that id. */
  find(id: string): Promise<{ id: string; path: string } | null>;
  recordLoaded(id: string, at: Date): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
