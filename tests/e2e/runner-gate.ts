// A gate the e2e tests control: the stack's runner processes stopped (SIGSTOP) so jobs stay queued or running for
// as long as a test looks at them, then continued (SIGCONT). Runners are found by their EASEL_DATA_DIR.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

function runnerPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!/runner-entry\.mjs|server\/runner\/entry\.ts/.test(cmdline)) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`EASEL_DATA_DIR=${dataDir}`)) pids.push(Number(entry));
    } catch {
      // The process ended while it was being read.
    }
  }
  return pids;
}

/** Stops every runner of the stack whose models folder is `modelsDir`; the returned function continues them. */
export function pauseRunners(modelsDir: string): () => void {
  const pids = runnerPids(dirname(modelsDir));
  if (pids.length === 0) throw new Error(`no runner process of the e2e stack (${dirname(modelsDir)}) to pause`);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  return () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
  };
}
