// What the benchmark ran on, stored with every result: figures from different machines are not comparable.
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  onnxruntime: string;
  /** 1-minute load average when the run started: a busy machine skews every figure. */
  loadAverage: number;
  date: string;
}

function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(now: Date = new Date()): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    onnxruntime: packageVersion('onnxruntime-node'),
    loadAverage: loadavg()[0]!,
    date: now.toISOString(),
  };
}

export function describeMachine(info: MachineInfo): string {
  return `${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.os}, Node ${info.node}, onnxruntime-node ${info.onnxruntime}`;
}
