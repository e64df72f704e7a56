// Resolves EASEL_DEVICE=auto once per server: each GPU provider is tried in a short-lived child whose output is
// captured, so runners get a concrete device and never probe (a failed WebGPU probe in a working runner slows
// its onnxruntime runs by ~14 %, and prints onnxruntime, Vulkan and XDG_RUNTIME_DIR errors on every load).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Device, Logger } from '../core/ports.js';
import type { ProbeAnswer } from './device-probe-entry.js';

const PROBE_ENTRY = fileURLToPath(new URL('./device-probe-entry.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** GPU providers in the order 'auto' prefers them; CPU always works and ends the list. */
const GPU_ORDER: readonly Device[] = ['cuda', 'webgpu'];
const PROBE_TIMEOUT_MS = 30_000;

export interface DeviceChoice {
  device: Device;
  /** One line: which device and why the faster ones were skipped. */
  reason: string;
  /** Why each faster device was skipped (empty when the first one worked). */
  skipped: string[];
}

export interface ProbeOptions {
  /** The child entry (tests swap in stand-ins). */
  entry?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

interface ProbeResult {
  answer: ProbeAnswer;
  stderr: string;
}

function probeOne(device: Device, options: ProbeOptions): Promise<ProbeResult> {
  const entry = options.entry ?? PROBE_ENTRY;
  return new Promise((resolve) => {
    const child = fork(entry, [device], {
      execArgv: entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [],
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    let answer: ProbeAnswer | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('message', (message) => (answer = message as ProbeAnswer));
    const timer = setTimeout(() => {
      answer ??= { ok: false, reason: `the probe did not answer within ${(options.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000} s` };
      child.kill('SIGKILL');
    }, options.timeoutMs ?? PROBE_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolve({ answer: answer ?? { ok: false, reason: `the probe process ${how} while opening a session` }, stderr });
    });
    child.once('error', (error) => {
      if (child.pid === undefined) {
        clearTimeout(timer);
        resolve({ answer: { ok: false, reason: `the probe process could not start: ${error.message}` }, stderr });
      }
    });
  });
}

/** Probes every GPU provider at once (separate processes) and takes the first in 'auto' order that worked. */
export async function probeDevices(logger: Logger, options: ProbeOptions = {}): Promise<DeviceChoice> {
  const results = await Promise.all(GPU_ORDER.map((device) => probeOne(device, options)));
  const skipped: string[] = [];
  let device: Device = 'cpu';
  for (const [index, result] of results.entries()) {
    if (result.answer.ok) {
      device = GPU_ORDER[index]!;
      break;
    }
    skipped.push(`${GPU_ORDER[index]}: ${result.answer.reason}`);
  }
  const reason = skipped.length > 0 ? `auto chose ${device}; ${skipped.join('; ')}` : `auto chose ${device}`;
  logger.info(`device: ${reason}`);
  if ((options.env ?? process.env).EASEL_LOG_LEVEL === 'debug') {
    for (const [index, result] of results.entries()) {
      if (result.stderr.trim() !== '') logger.info(`device probe output (${GPU_ORDER[index]})`, { output: result.stderr.trim() });
    }
  }
  return { device, reason, skipped };
}

let cached: Promise<DeviceChoice> | undefined;

/** The server's one probe: started by the first caller (the runner factory on the first 'auto' load, or at start-up). */
export function autoDevice(logger: Logger, options: ProbeOptions = {}): Promise<DeviceChoice> {
  cached ??= probeDevices(logger, options);
  return cached;
}
