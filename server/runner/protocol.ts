// The typed IPC messages between the GPU server (parent) and a runner process (child), discriminated on `type`.
import type { EaselErrorCode } from '../core/errors.js';
import type {
  Device,
  DevicePreference,
  GenerationProgress,
  GenerationRequest,
  GenerationResult,
  LoadedModel,
  LoadProgress,
  ModelPart,
  RunnerMemory,
} from '../core/ports.js';

/** Parent → child. */
export type ParentMessage =
  | { type: 'load'; modelPath: string; device: DevicePreference }
  | { type: 'memory'; requestId: number }
  /** Release every session and exit 0 (after cancelling a generation in progress). */
  | { type: 'dispose' }
  /** Answered by job-progress messages, then exactly one job-done or job-error with the same jobId. */
  | { type: 'generate'; request: GenerationRequest }
  /** Several jobs through one UNet run per step; each is answered as a 'generate' is, under its own jobId. */
  | { type: 'generate-batch'; requests: GenerationRequest[] }
  /** Stops the job after its current step; the job then ends with a job-error CANCELLED. Ignored once it has ended. */
  | { type: 'cancel-job'; jobId: string };

/** Child → parent. */
export type ChildMessage =
  /** Sent (and flushed) before each part is opened, so a crash can be pinned on the part. */
  | { type: 'progress'; progress: LoadProgress }
  /**
   * 'auto' only: sent (and flushed) before the first part is tried on `device`; `skipped` says why the devices
   * tried before it were refused. Lets the parent retry on cpu if the probe takes the whole process down.
   */
  | { type: 'probe'; device: Device; skipped: string[] }
  | { type: 'loaded'; model: LoadedModel }
  | { type: 'memory'; requestId: number; memory: RunnerMemory }
  /** A failed command; the child has released whatever it had opened and stays alive. */
  | { type: 'error'; code: EaselErrorCode; message: string; part?: ModelPart }
  | { type: 'job-progress'; jobId: string; progress: GenerationProgress }
  | { type: 'job-done'; jobId: string; result: GenerationResult }
  /** A generation that ended without an image; CANCELLED acknowledges a cancel-job. The runner stays loaded. */
  | { type: 'job-error'; jobId: string; code: EaselErrorCode; message: string };

export type JobMessage = Extract<ChildMessage, { type: 'job-progress' | 'job-done' | 'job-error' }>;

const PARENT_TYPES: ReadonlySet<string> = new Set<ParentMessage['type']>(['load', 'memory', 'dispose', 'generate', 'generate-batch', 'cancel-job']);
const CHILD_TYPES: ReadonlySet<string> = new Set<ChildMessage['type']>([
  'progress',
  'probe',
  'loaded',
  'memory',
  'error',
  'job-progress',
  'job-done',
  'job-error',
]);

function hasType(value: unknown, types: ReadonlySet<string>): boolean {
  return typeof value === 'object' && value !== null && types.has(String((value as { type?: unknown }).type));
}

/** Both ends are our own code; this only guards against stray messages on the channel. */
export function isParentMessage(value: unknown): value is ParentMessage {
  return hasType(value, PARENT_TYPES);
}

export function isChildMessage(value: unknown): value is ChildMessage {
  return hasType(value, CHILD_TYPES);
}
