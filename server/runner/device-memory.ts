// The memory the model cache may fill by default: a share of the GPU's memory when a CUDA device is present
// (nvidia-smi), else a share of the machine's RAM. The shares leave room for the server, the OS and other work.
import { execFile } from 'node:child_process';
import { totalmem } from 'node:os';
import type { DevicePreference } from '../core/ports.js';

const VRAM_SHARE = 0.9;
const RAM_SHARE = 0.5;

function cudaTotalBytes(): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=memory.total', '--format=csv,noheader,nounits'], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve(null);
      const mib = Number(stdout.split('\n')[0]?.trim());
      resolve(Number.isFinite(mib) && mib > 0 ? mib * 1024 * 1024 : null);
    });
  });
}

export async function defaultMemoryBudget(device: DevicePreference): Promise<{ bytes: number; basis: string }> {
  if (device === 'cuda' || device === 'auto') {
    const vram = await cudaTotalBytes();
    if (vram !== null) return { bytes: Math.floor(vram * VRAM_SHARE), basis: `${VRAM_SHARE * 100} % of the GPU's memory` };
  }
  return { bytes: Math.floor(totalmem() * RAM_SHARE), basis: `${RAM_SHARE * 100} % of the machine's RAM` };
}
