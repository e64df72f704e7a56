// Interfaces the core needs from the outside world (runner processes, persistence, time). Implemented in
// server/runner and server/db; faked in tests/helpers.
import type { ModelState, TransitionReason } from './lifecycle/transitions.js';

export type Actor = 'ui' | 'script' | 'system' | 'openai' | 'a1111';
export const ACTORS: readonly Actor[] = ['ui', 'script', 'system', 'openai', 'a1111'];

export type Device = 'cpu' | 'cuda' | 'webgpu';
export type DevicePreference = Device | 'auto';

/** In load order; text_encoder_2 only in the SDXL layout. */
export const MODEL_PARTS = ['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder'] as const;
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
  /** What the UNet predicts (scheduler_config.json prediction_type): 'epsilon' (SD 1.x), 'v_prediction' (SD 2.x), 'sample'. */
  predictionType?: string;
  /** How the model's own files say to sample it; distilled models (Turbo, LCM, TCD) differ from the server's defaults. */
  samplingDefaults?: SamplingDefaults;
  /** SDXL layout only: model_index.json force_zeros_for_empty_prompt (an empty negative prompt conditions on zeros). */
  forceZerosForEmptyPrompt?: boolean;
}

/** Defaults a model folder implies; absent fields leave the server's own defaults in place. */
export interface SamplingDefaults {
  /** A sampler name from server/core/schedulers (SAMPLERS). */
  sampler?: string;
  steps?: number;
  guidance?: number;
  timestepSpacing?: string;
  /** Where each default came from ("scheduler/scheduler_config.json _class_name = LCMScheduler", …), for people. */
  sources: string[];
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
  /**
   * Runs one generation on the loaded model. Rejects CANCELLED within one step once `signal` aborts (the runner
   * stays loaded), GENERATION_FAILED with the cause otherwise, NOT_LOADED before a load, BUSY while another runs.
   */
  generate(
    request: GenerationRequest,
    options: { onProgress?: (progress: GenerationProgress) => void; signal?: AbortSignal },
  ): Promise<GenerationResult>;
  /**
   * Several generations sharing one UNet run per step (same size, sampler, steps and guidance; from noise). Each
   * promise settles as generate()'s would, on its own: one cancelled job leaves the batch, the others go on.
   * Absent: the runner can't batch, and the jobs run one by one.
   */
  generateBatch?(
    requests: readonly GenerationRequest[],
    options: ReadonlyArray<{ onProgress?: (progress: GenerationProgress) => void; signal?: AbortSignal }>,
  ): Array<Promise<GenerationResult>>;
}

/** One image to generate, with every parameter already resolved and validated by the server. */
export interface GenerationRequest {
  jobId: string;
  prompt: string;
  negativePrompt: string;
  /** A sampler name from server/core/schedulers (SAMPLERS). */
  sampler: string;
  steps: number;
  guidance: number;
  /** 0 ≤ seed ≤ 2^32 − 1; the same seed and parameters give the same bytes. */
  seed: number;
  width: number;
  height: number;
  /** Image-to-image: the initial image (PNG or JPEG bytes, base64) and how much of it is repainted (0..1]. */
  initImageBase64?: string;
  strength?: number;
  /** Where the runner writes the PNG. */
  outputPath: string;
  /** Send a preview every this many steps (0: never). */
  previewEvery: number;
}

export interface GenerationProgress {
  /** Denoising steps done so far (1-based after the first step). */
  step: number;
  totalSteps: number;
  /** A small PNG of the current prediction, every few steps. */
  previewPngBase64?: string;
}

export interface GenerationResult {
  outputPath: string;
  /** Milliseconds spent inside onnxruntime run() calls, and in the whole generation, as the runner saw it. */
  runMs: number;
  totalMs: number;
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
  /** Each model's newest record, used at start-up to find states left behind by a crash. */
  lastPerModel(): Promise<TransitionRecord[]>;
}

export interface RegisteredModel {
  id: string;
  path: string;
  /** Memory measured at its last load (null until it has been loaded once). */
  memoryBytes: number | null;
}

export interface ModelLookup {
  /** The registered model, or null when no model has that id. */
  find(id: string): Promise<RegisteredModel | null>;
  /** Counts a completed load and keeps the memory it measured for the next budget decisions. */
  recordLoaded(id: string, at: Date, memoryBytes: number | null): Promise<void>;
  /** Keeps a larger memory figure measured later (after the model's first job). */
  recordMemory(id: string, memoryBytes: number): Promise<void>;
}

/** Memory a model is expected to take once loaded, from its part files (before it has ever been measured). */
export interface MemoryEstimator {
  estimate(modelPath: string): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const GENERATION_STATUSES = ['queued', 'loading', 'running', 'done', 'failed', 'cancelled'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/** A generation as persisted (the Generation table). */
export interface GenerationRecord {
  id: string;
  createdAt: Date;
  prompt: string;
  negativePrompt: string;
  sampler: string;
  steps: number;
  guidance: number;
  /** Exact up to 2^53 - 1. */
  seed: number;
  width: number;
  height: number;
  /** img2img strength; null for text-to-image. */
  strength: number | null;
  modelId: string;
  status: GenerationStatus;
  durationMs: number | null;
  /** Whole milliseconds inside onnxruntime run() calls; null until done, or when failed/cancelled. */
  runMs: number | null;
  imagePath: string | null;
  error: string | null;
  /** The code of `error` (CANCELLED, INTERRUPTED, GENERATION_FAILED, …); null for rows written before Easel kept it. */
  errorCode: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Times the job was started; raised again when a crash interrupted it and it was queued anew. */
  attempts: number;
  /** Who asked: the role ('admin', 'user', or 'local' when no tokens are configured) and a stable id of the token. */
  ownerRole: string | null;
  ownerId: string | null;
  /** Which client asked: ui, script, openai, a1111. */
  actor: string | null;
  /** The GPU server that ran the job. */
  node: string | null;
  /** Things the caller should know, e.g. words past the model's token limit. */
  warnings: string[];
}

/** A new request starts queued; id defaults to a random UUID, createdAt to now. */
export type NewGeneration = Omit<
  GenerationRecord,
  'id' | 'createdAt' | 'status' | 'durationMs' | 'runMs' | 'imagePath' | 'error' | 'errorCode' | 'startedAt' | 'finishedAt' | 'attempts' | 'node' | 'ownerRole' | 'ownerId' | 'actor' | 'warnings'
> & { id?: string; createdAt?: Date; ownerRole?: string | null; ownerId?: string | null; actor?: string | null; warnings?: string[] };

export type GenerationUpdate = Partial<
  Pick<GenerationRecord, 'status' | 'durationMs' | 'runMs' | 'imagePath' | 'error' | 'errorCode' | 'startedAt' | 'finishedAt' | 'attempts' | 'node'>
>;

export interface GenerationStore {
  create(generation: NewGeneration): Promise<GenerationRecord>;
  /** Throws NOT_FOUND for an unknown id. */
  update(id: string, update: GenerationUpdate): Promise<GenerationRecord>;
  /** Throws NOT_FOUND for an unknown id. */
  get(id: string): Promise<GenerationRecord>;
  /** Jobs that had not ended (queued, loading, running), oldest first: what a restart must reconcile. */
  unfinished(): Promise<GenerationRecord[]>;
}
