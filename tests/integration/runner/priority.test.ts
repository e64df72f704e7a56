// The runner yields the CPU to the GPU server: it runs at a lower scheduling priority.
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';

describe('runner priority', () => {
  it('starts the runner process nicer than the server', async () => {
    const runner = createProcessRunnerFactory().spawn();
    try {
      expect(getPriority(runner.pid!)).toBeGreaterThan(getPriority());
    } finally {
      await runner.kill();
    }
  });
});
