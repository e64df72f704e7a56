// The `easel` command against a real server (admin token set, no demo model): help, the registry, load with
// progress, unload, cancel, status, history, the --json shapes, the exit code of each kind of error, and
// Ctrl-C cancelling a load.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../helpers/model-fixtures.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { json, runCli, startCli, type CliOptions } from './cli-process.js';

const TOKEN = 'cli-test-token';

type Status = { models: Array<{ modelId: string; state: string; device: string | null; memoryBytes: number; memorySource: string }>; maxLoaded: number };
type CliFailure = { error: { code: string; message: string; exitCode: number } };

describe('the easel command: models and lifecycle', () => {
  let dataDir: string;
  let easel: EaselProcess;
  let at: CliOptions;
  const easelCli = (...args: string[]) => runCli(args, at);

  beforeAll(async () => {
    dataDir = await makeDataDir('easel-cli-');
    easel = await startEaselServer({ dataDir, token: TOKEN, env: { EASEL_DEMO_MODEL: '0', EASEL_ADMIN_TOKEN: TOKEN } });
    await writeTinyModel(join(easel.modelsDir, 'tiny'));
    await writeTinyModel(join(easel.modelsDir, 'slow'), { slow: true });
    // The server's origin, without /trpc: the CLI adds it. Registry and lifecycle commands need the admin token.
    at = { url: easel.url, env: { EASEL_ADMIN_TOKEN: TOKEN } };
  });

  afterAll(async () => {
    await easel?.stop();
    await removeDataDir(dataDir);
  });

  it('prints help with the commands and the exit codes, and help for one command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/models list/);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*5 {2}cancelled[\s\S]*6 {2}the server cannot be reached/);
    const generate = await runCli(['generate', '--help']);
    expect(generate.code).toBe(0);
    expect(generate.stdout).toMatch(/Usage: easel generate "<prompt>"/);
  });

  it('exits 2 with a readable message for a bad command line', async () => {
    for (const args of [[], ['models'], ['models', 'remove'], ['status', '--bogus']]) {
      const result = await runCli(args, at);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^easel: \S/);
    }
    const failure = json<CliFailure>(await runCli(['frobnicate', '--json']));
    expect(failure.error).toMatchObject({ code: 'USAGE', exitCode: 2, message: expect.stringMatching(/Unknown command "frobnicate"/) });
  });

  it('exits 6 when the server cannot be reached', async () => {
    const result = await runCli(['status', '--url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/Cannot reach the Easel server at http:\/\/127\.0\.0\.1:1\/trpc;/);
    expect(json<CliFailure>(await runCli(['models', 'list', '--json'], { url: 'http://127.0.0.1:1/trpc' })).error.code).toBe('UNREACHABLE');
  });

  it('scans, lists, adds and removes models', async () => {
    const scan = json<{ added: Array<{ id: string }>; failed: unknown[]; alreadyRegistered: number }>(await easelCli('models', 'scan', '--json'));
    expect(scan.added.map((m) => m.id).sort()).toEqual(['slow', 'tiny']);
    expect(scan).toMatchObject({ failed: [], alreadyRegistered: 0 });

    await writeTinyModel(join(easel.modelsDir, 'extra'));
    const added = await easelCli('models', 'add', 'extra', '--id', 'extra-1', '--name', 'Extra');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Registered extra-1 \(Extra/);

    const list = await easelCli('models', 'list');
    expect(list.stdout).toMatch(/^ID +NAME +SIZE/);
    expect(list.stdout).toMatch(/extra-1 +Extra/);
    const models = json<Array<{ id: string; sizeBytes: number }>>(await easelCli('models', 'list', '--json'));
    expect(models.map((m) => m.id).sort()).toEqual(['extra-1', 'slow', 'tiny']);
    expect(models.every((m) => m.sizeBytes > 0)).toBe(true);

    expect(json<{ id: string }>(await easelCli('models', 'remove', 'extra-1', '--json')).id).toBe('extra-1');
    expect(json<unknown[]>(await easelCli('models', 'list', '--json'))).toHaveLength(2);
  });

  it('exits 3 for an unknown model, 4 for a duplicate, 2 for a folder outside the roots', async () => {
    const missing = await easelCli('models', 'remove', 'nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nope/);
    expect((await easelCli('load', 'nope')).code).toBe(3);
    const duplicate = json<CliFailure>(await easelCli('models', 'add', 'tiny', '--id', 'tiny-again', '--json'));
    expect(duplicate.error).toMatchObject({ code: 'ALREADY_EXISTS', exitCode: 4 });
    expect((await easelCli('models', 'add', '/etc')).code).toBe(2);
  });

  it('loads with progress part by part, reports status, refuses to remove the loaded model, and unloads', async () => {
    const load = await easelCli('load', 'tiny');
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/Loaded tiny on cpu/);
    expect(load.stderr).toMatch(/loading tiny: text_encoder \(1\/4\)[\s\S]*loading tiny: unet \(2\/4\)/);
    // Not a terminal: plain lines, no bar redrawn with carriage returns or escape codes.
    expect(load.stderr).not.toMatch(/[\r\x1b]/);

    const status = json<Status>(await easelCli('status', '--json'));
    expect(status.models).toMatchObject([{ state: 'LOADED', modelId: 'tiny', device: 'cpu', memorySource: 'measured' }]);
    expect(status.models[0]!.memoryBytes).toBeGreaterThan(0);
    for (const command of ['status', 'ps']) {
      const { stdout } = await easelCli(command);
      expect(stdout, command).toMatch(/^MODEL +STATE +MEMORY +DEVICE +UNTIL +JOBS/);
      expect(stdout, command).toMatch(/\ntiny +LOADED +.* cpu +.+ 0\/0\n/);
      expect(stdout, command).toMatch(/of 3 models/);
    }
    const nodes = await easelCli('nodes');
    expect(nodes.stdout).toMatch(/^NODE +STATE +URL +DEVICE +MODELS +MEMORY +QUEUE +HEARTBEAT/);
    expect(nodes.stdout).toMatch(/\n127\.0\.0\.1:\d+ +alive +http:\/\/127\.0\.0\.1:\d+ +cpu +tiny \(LOADED\) +\S+ \S+ of \S+ \S+ +0 +.* ago\n/);
    const elsewhere = json<CliFailure>(await easelCli('load', 'tiny', '--node', 'gpu-z', '--json'));
    expect(elsewhere.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No node named "gpu-z"/) });

    const inUse = await easelCli('models', 'remove', 'tiny');
    expect(inUse.code).toBe(4);
    expect(inUse.stderr).toMatch(/tiny/);

    const cancel = json<{ cancelled: boolean; status: Status }>(await easelCli('cancel', '--json'));
    expect(cancel).toMatchObject({ cancelled: false, status: { models: [{ modelId: 'tiny', state: 'LOADED' }] } });

    const unload = await easelCli('unload');
    expect(unload.code).toBe(0);
    expect(unload.stdout).toMatch(/Unloaded tiny; 0 model\(s\) resident/);
    expect(json<Status>(await easelCli('unload', '--json')).models).toEqual([]);
    expect((await easelCli('ps')).stdout).toMatch(/^No model is loaded\./);
  });

  it('exits 8 when a load fails', async () => {
    await writeTinyModel(join(easel.modelsDir, 'broken'));
    await easel.client.models.register.mutate({ path: 'broken' });
    await writeTinyModel(join(easel.modelsDir, 'broken'), { corrupt: 'unet' });
    const failed = json<CliFailure>(await easelCli('load', 'broken', '--json'));
    expect(failed.error).toMatchObject({ code: 'LOAD_FAILED', exitCode: 8 });
    await easelCli('unload');
  });

  it('shows the transition history with the admin token, and exits 7 without it', async () => {
    const refused = await runCli(['history'], { url: easel.url });
    expect(refused.code).toBe(7);
    expect(refused.stderr).toMatch(/EASEL_ADMIN_TOKEN/);
    expect((await runCli(['history', '--token', 'wrong'], { url: easel.url })).code).toBe(7);

    const page = json<{ items: Array<{ modelId: string; reason: string; actor: string }>; nextCursor: number | null }>(
      await easelCli('history', '--json', '--token', TOKEN, '--model', 'tiny', '--limit', '3'),
    );
    expect(page.items.map((t) => t.reason)).toEqual(['UNLOAD_COMPLETED', 'UNLOAD_REQUESTED', 'LOAD_COMPLETED']);
    expect(page.items.every((t) => t.actor === 'script')).toBe(true);
    expect(page.nextCursor).toEqual(expect.any(Number));

    const table = await runCli(['history', '--limit', '2'], { ...at, env: { EASEL_ADMIN_TOKEN: TOKEN } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME +MODEL +FROM +TO +REASON/);
    expect(table.stderr).toMatch(/more: add --cursor \d+/);
  });

  it('watches the status as JSON lines until Ctrl-C, then exits 0', async () => {
    const watch = startCli(['status', '--watch', '--json'], at);
    await watch.waitFor(/"models":\[\]/);
    watch.child.kill('SIGINT');
    const result = await watch.exited;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0]!)).toMatchObject({ models: [], maxLoaded: 3 });
  });

  it('cancels a load on Ctrl-C: exits 5, and the server is IDLE with the load cancelled', async () => {
    const load = startCli(['load', 'slow'], at);
    await load.waitFor(/loading slow: unet \(2\/4\)/);
    load.child.kill('SIGINT');
    const result = await load.exited;
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/cancelled/);
    expect((await easel.client.models.status.query()).models).toEqual([]);
    const { items } = await easel.client.history.transitions.query({ modelId: 'slow', limit: 1 });
    expect(items[0]).toMatchObject({ reason: 'LOAD_CANCELLED', actor: 'script' });
  });
});
