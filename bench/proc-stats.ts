// Resident memory and CPU time of processes (and the GPU server's runner children), read from /proc (Linux),
// so the benchmark needs nothing from the processes it measures; and their threads' nice level, set from outside.
import { readdir, readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';

/** VmRSS of `pid` in bytes; undefined when the process is gone. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Pids of the direct children of `pid` (a GPU server's runners). */
export async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** RSS of `pid` plus that of its direct children. */
export async function treeResidentBytes(pid: number): Promise<{ own: number; children: number }> {
  const own = (await residentBytes(pid)) ?? 0;
  let children = 0;
  for (const child of await childPids(pid)) children += (await residentBytes(child)) ?? 0;
  return { own, children };
}

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time `pid` has used so far, in ms (10 ms resolution); undefined when it is gone. */
export async function cpuTimeMs(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / TICKS_PER_SECOND) * 1000;
}

/**
 * Sets the nice level of every thread of `pid`: Linux applies setpriority to one thread, and onnxruntime's threads
 * keep the level they started with. Raising a priority needs root (or CAP_SYS_NICE); false when not permitted.
 */
export async function reniceThreads(pid: number, nice: number): Promise<boolean> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  try {
    for (const tid of threads) setPriority(Number(tid), nice);
    return threads.length > 0;
  } catch {
    return false;
  }
}
