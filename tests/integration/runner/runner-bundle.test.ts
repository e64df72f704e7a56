// The server's runner bundle: one plain-JavaScript file built from the current sources, which a runner process
// boots from without the TypeScript loader and then loads and serves a model from.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoModel } from '../../../server/demo-model/index.js';
import { createProcessRunnerFactory } from '../../../server/runner/process-runner.js';
import { bundleRunnerEntry } from '../../../server/runner/runner-bundle.js';

describe('the runner bundle', () => {
  let bundle: string;
  let modelDir: string;

  beforeAll(async () => {
    modelDir = await mkdtemp(join(tmpdir(), 'easel-bundle-'));
    await buildDemoModel(join(modelDir, 'demo'));
    // Beside the server's own bundle (packages resolve from node_modules), under a name of its own.
    bundle = await bundleRunnerEntry(join(process.cwd(), 'node_modules', '.cache', 'easel', `runner-test-${process.pid}.mjs`));
  });

  afterAll(async () => {
    await rm(modelDir, { recursive: true, force: true });
    await rm(bundle, { force: true });
  });

  it('is plain JavaScript with the project code inlined and the packages left as imports', async () => {
    const code = await readFile(bundle, 'utf8');
    expect(code).toMatch(/from "onnxruntime-node"/);
    expect(code).not.toMatch(/from "\.\.?\//);
    expect(code).not.toMatch(/^\s*(interface|type)\s+\w+/m);
  });

  it('boots a runner without tsx that loads the demo model', async () => {
    const runner = createProcessRunnerFactory({ threads: 1 }).spawn();
    const bundled = createProcessRunnerFactory({ threads: 1, entry: bundle }).spawn();
    try {
      const cmdline = await readFile(`/proc/${bundled.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toMatch(/tsx/);
      expect(await readFile(`/proc/${runner.pid}/cmdline`, 'utf8')).toMatch(/tsx/);
      const loaded = await bundled.load({ modelPath: join(modelDir, 'demo'), device: 'cpu' }, {});
      expect(loaded.device).toBe('cpu');
      expect(loaded.parts.map((p) => p.part)).toContain('unet');
    } finally {
      await Promise.all([runner.kill(), bundled.stop()]);
    }
  });
});
