// EASEL_DEVICE=auto is resolved once, in short-lived probe processes whose noise is captured, with one log line.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../server/core/ports.js';
import { autoDevice, probeDevices, type DeviceChoice } from '../../../server/runner/device-probe.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('./device-probe-main.ts', import.meta.url));
const STAND_IN = fileURLToPath(new URL('./device-probe-stand-in.ts', import.meta.url));

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string) => void lines.push(message);
  return { lines, info: record, warn: record, error: record };
}

describe('device probe', () => {
  it('on a machine without a GPU chooses cpu, says why in one line, and prints none of the providers\' errors', async () => {
    const env = { ...process.env };
    delete env.EASEL_LOG_LEVEL;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX, MAIN], { env });
    const choice = JSON.parse(stdout) as DeviceChoice;
    expect(choice.device).toBe('cpu');
    expect(choice.skipped.map((line) => line.split(':')[0])).toEqual(['cuda', 'webgpu']);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/device: auto chose cpu; cuda: .*; webgpu: /);
    expect(stderr).not.toMatch(/providers_shared\.so|XDG_RUNTIME_DIR|\[E:onnxruntime|\[W:onnxruntime/);
  });

  it('takes the first GPU provider that works, recording why a crashed one was skipped', async () => {
    const logger = recordingLogger();
    const choice = await probeDevices(logger, { entry: STAND_IN });
    expect(choice.device).toBe('webgpu');
    expect(choice.skipped).toEqual(['cuda: the probe process exited with code 3 while opening a session']);
    expect(logger.lines).toEqual([`device: ${choice.reason}`]);
  });

  it('probes once per server process', async () => {
    const logger = recordingLogger();
    const first = autoDevice(logger, { entry: STAND_IN });
    expect(autoDevice(logger, { entry: STAND_IN })).toBe(first);
    await first;
    expect(logger.lines).toHaveLength(1);
  });
});
