// Measures what a runner process holds: its resident set, and its GPU memory when it runs on CUDA.
import { execFile } from 'node:child_process';
import type { Device, RunnerMemory } from '../core/ports.js';

const MIB = 1024 * 1024;

/** Bytes nvidia-smi reports for this process, or undefined when nvidia-smi is missing or does not list it. */
function cudaBytes(pid: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (error, stdout) => {
        if (error) return resolve(undefined);
        let total: number | undefined;
        for (const line of stdout.split('\n')) {
          const [linePid, usedMib] = line.split(',').map((field) => Number(field.trim()));
          if (linePid === pid && Number.isFinite(usedMib)) total = (total ?? 0) + usedMib! * MIB;
        }
        resolve(total);
      },
    );
  });
}

export async function measureRunnerMemory(device: Device | undefined): Promise<RunnerMemory> {
  const memory: RunnerMemory = { rssBytes: process.memoryUsage.rss() };
  if (device === 'cuda') {
    const gpuBytes = await cudaBytes(process.pid);
    if (gpuBytes !== undefined) memory.gpuBytes = gpuBytes;
  }
  return memory;
}
