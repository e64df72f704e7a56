// `easel pull` against a real server and a local hub: owner/name@revision and --subfolder, progress on stderr,
// the registered model in --json, a refusal's exit code, and Ctrl-C cancelling the pull.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoModel } from '../../../server/demo-model/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { startHubServer, type HubServer } from '../../helpers/hub-server.js';
import { json, runCli, startCli, type CliOptions } from './cli-process.js';

describe('the easel command: pull', () => {
  let work: string;
  let hub: HubServer;
  let easel: EaselProcess;
  let at: CliOptions;

  beforeAll(async () => {
    work = await makeDataDir('easel-cli-pull-');
    const repo = join(work, 'hub', 'exported');
    await mkdir(join(repo, 'unet'), { recursive: true });
    await writeFile(join(repo, 'unet', 'diffusion_pytorch_model.safetensors'), Buffer.alloc(64));
    await buildDemoModel(join(repo, 'onnx'));
    hub = await startHubServer();
    await hub.addRepo('easel/exported', repo);
    await hub.addRepo('easel/stalled', repo);
    easel = await startEaselServer({ dataDir: join(work, 'data'), env: { EASEL_DEMO_MODEL: '0', EASEL_HUB_URL: hub.url } });
    at = { url: easel.trpcUrl };
  });

  afterAll(async () => {
    await easel?.stop();
    await hub?.close();
    await removeDataDir(work);
  });

  it('tells where the ONNX export is when the root has none, and exits 2', async () => {
    const result = await runCli(['pull', 'easel/exported'], at);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds no ONNX model.*--subfolder onnx/);
  });

  it('pulls owner/name@revision from a subfolder and registers it', async () => {
    const result = await runCli(['pull', 'easel/exported@main', '--subfolder', 'onnx', '--json'], at);
    expect(result.code).toBe(0);
    expect(json(result)).toMatchObject({ status: 'done', repo: 'easel/exported', revision: 'main', subfolder: 'onnx', modelId: 'easel--exported--onnx' });
    expect((await easel.client.models.list.query()).map((m) => m.id)).toContain('easel--exported--onnx');
  });

  it('prints progress lines and the model id for people', async () => {
    await easel.client.models.remove.mutate({ id: 'easel--exported--onnx' });
    const result = await runCli(['pull', 'easel/exported', '--subfolder', 'onnx'], at);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/pulling easel\/exported@main into .*easel--exported--onnx: 15 files/);
    expect(result.stdout).toMatch(/registered as "easel--exported--onnx" \(easel load easel--exported--onnx\)/);
  });

  it('cancels the pull on Ctrl-C and exits 5', async () => {
    const gate = hub.hold('easel/stalled', 'onnx/text_encoder/model.onnx', 20_000);
    const pull = startCli(['pull', 'easel/stalled', '--subfolder', 'onnx'], at);
    await pull.waitFor(/downloading text_encoder\/model\.onnx/);
    await gate.reached;
    pull.child.kill('SIGINT');
    const result = await pull.exited;
    gate.release();
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/cancelled: The pull of "easel\/stalled" was cancelled; pull again to continue/);
    expect((await easel.client.models.list.query()).map((m) => m.id)).not.toContain('easel--stalled--onnx');
  });
});
