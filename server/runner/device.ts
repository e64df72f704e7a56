// Execution-provider choice for a device preference, session options, and readable reasons when a provider fails.
import { availableParallelism } from 'node:os';
import ort, { type InferenceSession } from 'onnxruntime-node';
import { EaselError } from '../core/errors.js';
import type { Device, DevicePreference } from '../core/ports.js';

/** 'auto' tries the fastest first; cpu always works, so it ends the list. */
const AUTO_ORDER: readonly Device[] = ['cuda', 'webgpu', 'cpu'];

export function candidateDevices(preference: DevicePreference): Device[] {
  return preference === 'auto' ? [...AUTO_ORDER] : [preference];
}

/** EASEL_THREADS if set to a positive integer, else every core (1 vs 2 threads halves a run on 2 cores). */
export function threadCount(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.EASEL_THREADS;
  if (raw === undefined || raw === '') return availableParallelism();
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new EaselError('INVALID_INPUT', `EASEL_THREADS must be a positive integer (found "${raw}")`);
  }
  return threads;
}

/**
 * Threads that finished their share of an operator sleep instead of busy-waiting for the next one: spinning kept
 * every core busy between operators, taking CPU from the runner's own JavaScript (sampler, image encoding) and from
 * the GPU server, at a nice level that does not stop busy-waiting from filling the gaps.
 */
const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };

function debugging(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.EASEL_LOG_LEVEL === 'debug';
}

/**
 * Sets onnxruntime's process-wide log level before the first session opens: warning and above, unless
 * EASEL_LOG_LEVEL=debug (its verbose lines only help someone debugging a provider).
 */
export function quietOnnxRuntime(env: Readonly<Record<string, string | undefined>>): void {
  ort.env.logLevel = debugging(env) ? 'verbose' : 'warning';
}

/** onnxruntime's severities: 0 verbose, 2 warning. */
const VERBOSE = 0;
const WARNING = 2;

export function sessionOptions(device: Device, threads: number, env: Readonly<Record<string, string | undefined>> = process.env): InferenceSession.SessionOptions {
  return {
    executionProviders: [device],
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    logSeverityLevel: debugging(env) ? VERBOSE : WARNING,
    extra: NO_SPINNING,
  };
}

const HINTS: Array<{ device: Device; pattern: RegExp; hint: string }> = [
  {
    device: 'cuda',
    pattern: /Failed to load shared library/i,
    hint:
      'the CUDA execution provider is not installed (on a GPU host: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node)',
  },
  {
    device: 'webgpu',
    pattern: /WebGPU adapter/i,
    hint: 'no WebGPU adapter (needs a Vulkan loader and the GPU driver\'s Vulkan ICD)',
  },
];

/** One line a person can act on: a known cause's hint, followed by onnxruntime's own first line. */
export function describeDeviceFailure(device: Device, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).trim();
  const firstLine = message.split('\n')[0]!.slice(0, 240);
  const known = HINTS.find((h) => h.device === device && h.pattern.test(message));
  return known ? `${known.hint}: ${firstLine}` : firstLine;
}
