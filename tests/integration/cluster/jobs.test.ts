// Jobs on SQLite stay in the server's own queue. Jobs shared by two real GPU servers on one PostgreSQL through
// pg-boss: they spread across both nodes, progress and results reach a client of either node, a job running on the
// other node is cancelled from this one, and a node killed mid-job has its job finished by the other, with the same
// image and no second result.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easelCodeOf, type EaselClient } from '../../../client/index.js';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { createScratchPostgres, type ScratchDatabase } from '../../helpers/scratch-postgres.js';
import { CollectingLogger } from '../../helpers/scenario.js';
import { ClusterBus, type ClusterMessage } from '../../../server/cluster/cluster-bus.js';

const HEARTBEAT_MS = 300;
const postgresUrl = process.env.EASEL_TEST_POSTGRES_URL;

type Event = { status: string; step?: number; imageUrl?: string; error?: { code: string } };

/** Every event of a job's progress stream until its end. */
function follow(client: EaselClient, id: string): Promise<Event[]> {
  return new Promise((resolve, reject) => {
    const events: Event[] = [];
    const subscription = client.generate.onProgress.subscribe(
      { id },
      {
        onData(event) {
          events.push(event as Event);
          if (['done', 'failed', 'cancelled'].includes((event as Event).status)) {
            subscription.unsubscribe();
            resolve(events);
          }
        },
        onError: reject,
      },
    );
  });
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function sha(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return createHash('sha256').update(new Uint8Array(await response.arrayBuffer())).digest('hex');
}

const JOB = { prompt: 'a lighthouse at dusk', model: 'easel-demo', sampler: 'EULER', steps: 40, width: 64, height: 64 } as const;
/** Long enough to act on while it runs: about a second (the demo model is small). */
const LONG_JOB = { ...JOB, steps: 150, width: 512, height: 512 } as const;

describe('jobs on one node with SQLite (the default)', () => {
  let server: EaselProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    server = await startEaselServer({ dataDir, env: { EASEL_NODE_NAME: 'solo' } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await removeDataDir(dataDir);
  });

  it('runs jobs in its own queue, recording the node and attempts, and lists itself as the only node', async () => {
    const { ids } = await server.client.generate.start.mutate({ ...JOB, count: 2, seed: 5 });
    await Promise.all(ids.map((id) => follow(server.client, id)));
    const rows = await waitFor(() => Promise.all(ids.map((id) => server.client.generate.get.query({ id }))), (r) => r.every((row) => row.status === 'done'), 'the rows done');
    expect(rows.map((row) => [row.node, row.attempts])).toEqual([['solo', 1], ['solo', 1]]);
    const status = await server.client.models.status.query();
    expect(status.node).toBe('solo');
    expect(status.nodes?.map((n) => n.name)).toEqual(['solo']);
  }, 120_000);
});

if (postgresUrl) {
  describe('the cluster bus on PostgreSQL LISTEN/NOTIFY', () => {
    it('delivers messages in order to every listener, leaving out a preview too big for NOTIFY', async () => {
      const logger = new CollectingLogger();
      const [a, b] = [new ClusterBus(postgresUrl, logger), new ClusterBus(postgresUrl, logger)];
      await a.open();
      await b.open();
      try {
        const heard: ClusterMessage[] = [];
        b.subscribe((message) => heard.push(message));
        const small = `data:image/png;base64,${'A'.repeat(1000)}`;
        const big = `data:image/png;base64,${'A'.repeat(20_000)}`;
        for (let step = 1; step <= 20; step++) {
          const previewPng = step === 5 ? small : step === 10 ? big : undefined;
          void a.publish({ kind: 'job', node: 'gpu-a', event: { id: 'j', status: 'running', step, totalSteps: 20, etaMs: null, ...(previewPng ? { previewPng } : {}) } });
        }
        await a.publish({ kind: 'cancel', id: 'j', reason: 'done listening' });
        for (let i = 0; i < 100 && heard.length < 21; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        const steps = heard.flatMap((m) => (m.kind === 'job' && m.event.status === 'running' ? [m.event] : []));
        expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(steps[4]!.previewPng).toBe(small);
        expect(steps[9]).not.toHaveProperty('previewPng');
        expect(heard.at(-1)).toEqual({ kind: 'cancel', id: 'j', reason: 'done listening' });
        expect(logger.entries.filter((e) => e.level !== 'info')).toEqual([]);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('jobs shared by two nodes on PostgreSQL', () => {
    let scratch: ScratchDatabase;
    let root: string;
    const servers = new Map<string, EaselProcess>();

    async function start(name: string, demo: boolean): Promise<EaselProcess> {
      const dataDir = join(root, name);
      await mkdir(dataDir, { recursive: true });
      const server = await startEaselServer({
        dataDir,
        env: {
          DATABASE_URL: scratch.url,
          EASEL_NODE_NAME: name,
          EASEL_HEARTBEAT_MS: String(HEARTBEAT_MS),
          EASEL_MODELS_DIR: join(root, 'models'),
          EASEL_IMAGES_DIR: join(root, 'images'),
          EASEL_DEMO_MODEL: demo ? '1' : '0',
          EASEL_PARALLEL_JOBS: '1',
        },
      });
      servers.set(name, server);
      return server;
    }

    beforeAll(async () => {
      scratch = await createScratchPostgres(postgresUrl);
      root = await makeDataDir('easel-cluster-');
      // The first node builds and registers the demo model in the shared models folder; the second finds it there.
      await start('gpu-a', true);
      await start('gpu-b', false);
    }, 240_000);

    afterAll(async () => {
      for (const server of servers.values()) await server.stop().catch(() => undefined);
      await scratch?.dispose();
      if (root) await removeDataDir(root);
    });

    const a = () => servers.get('gpu-a')!;
    const b = () => servers.get('gpu-b')!;

    it('spreads jobs across both nodes, and a client of one node follows a job the other runs', async () => {
      const { ids } = await a().client.generate.start.mutate({ ...JOB, count: 4, seed: 7 });
      const followed = await Promise.all(ids.map((id) => follow(b().client, id)));
      for (const events of followed) {
        expect(events.at(-1)).toMatchObject({ status: 'done' });
        expect(events.some((e) => e.status === 'running' && (e.step ?? 0) > 0)).toBe(true);
      }
      const rows = await waitFor(() => Promise.all(ids.map((id) => a().client.generate.get.query({ id }))), (r) => r.every((row) => row.status === 'done'), 'the rows done');
      expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1, 1]);
      expect(new Set(rows.map((row) => row.node))).toEqual(new Set(['gpu-a', 'gpu-b']));
      // Every node serves every image (the shared images folder).
      for (const row of rows) expect(await sha(`${a().url}${row.imageUrl}`)).toBe(await sha(`${b().url}${row.imageUrl}`));
      const history = await b().client.history.generations.query({ limit: 4 });
      expect(history.items.map((item) => item.node).sort()).toEqual(rows.map((row) => row.node).sort());
    }, 120_000);

    it('lists the cluster’s unfinished jobs on every node', async () => {
      const { ids } = await a().client.generate.start.mutate({ ...LONG_JOB, count: 3, seed: 9 });
      const listed = await waitFor(() => b().client.generate.jobs.query(), (jobs) => ids.every((id) => jobs.some((job) => job.id === id)), 'all jobs listed on gpu-b');
      expect(listed.filter((job) => ids.includes(job.id))).toHaveLength(3);
      await Promise.all(ids.map((id) => follow(a().client, id)));
      await waitFor(() => b().client.generate.jobs.query(), (jobs) => jobs.length === 0, 'the list empty again');
    }, 120_000);

    it('cancels, from one node, a job running on the other', async () => {
      const { id } = await a().client.generate.start.mutate({ ...LONG_JOB, seed: 11 });
      const running = await waitFor(() => a().client.generate.get.query({ id }), (row) => row.status === 'running', 'the job running');
      const other = running.node === 'gpu-a' ? b() : a();
      const events = follow(other.client, id);
      const result = await other.client.generate.cancel.mutate({ id });
      expect(result.cancelled).toBe(true);
      expect(result.generation).toMatchObject({ status: 'cancelled', node: running.node });
      expect((await events).at(-1)).toMatchObject({ status: 'cancelled' });
    }, 120_000);

    it('cancels a job still waiting in the shared queue at once, and its subscribers on that node hear it', async () => {
      const { ids } = await a().client.generate.start.mutate({ ...LONG_JOB, count: 4, seed: 21 });
      const last = ids.at(-1)!;
      const events = follow(a().client, last);
      const asked = Date.now();
      const result = await a().client.generate.cancel.mutate({ id: last });
      expect(result).toMatchObject({ cancelled: true, generation: { status: 'cancelled' } });
      expect(Date.now() - asked).toBeLessThan(5000);
      expect((await events).at(-1)).toMatchObject({ status: 'cancelled' });
      await Promise.all(ids.slice(0, -1).map((id) => a().client.generate.cancel.mutate({ id })));
    }, 120_000);

    it('loads a model on the node named, or where it already is, and models.status shows every node’s models', async () => {
      await a().client.models.unload.mutate();
      await b().client.models.unload.mutate();
      const onB = await a().client.models.load.mutate({ id: 'easel-demo', node: 'gpu-b' });
      expect(onB.models).toMatchObject([{ modelId: 'easel-demo', state: 'LOADED' }]);
      expect((await a().client.models.status.query()).models).toEqual([]);
      const status = await waitFor(
        () => a().client.models.status.query(),
        (s) => s.nodes?.find((n) => n.name === 'gpu-b')?.models.some((m) => m.modelId === 'easel-demo') === true,
        'gpu-b reporting the model',
      );
      expect(status.node).toBe('gpu-a');
      expect(status.nodes?.find((n) => n.name === 'gpu-a')?.models).toEqual([]);
      const [loaded] = (await a().client.history.transitions.query({ limit: 1 })).items;
      expect(loaded).toMatchObject({ modelId: 'easel-demo', to: 'LOADED', node: 'gpu-b' });
      const onlyA = await b().client.history.transitions.query({ node: 'gpu-a', limit: 100 });
      expect(onlyA.items.length).toBeGreaterThan(0);
      expect(new Set(onlyA.items.map((row) => row.node))).toEqual(new Set(['gpu-a']));
      // No node named: the node that already holds the model, not a second copy.
      await a().client.models.load.mutate({ id: 'easel-demo' });
      expect((await a().client.models.status.query()).models).toEqual([]);
      const refused = await a().client.models.load.mutate({ id: 'easel-demo', node: 'gpu-z' }).catch((error: unknown) => error);
      expect(easelCodeOf(refused)).toBe('NOT_FOUND');
    }, 120_000);

    it('hands a stopping node’s running job to the other node instead of cancelling it', async () => {
      const { id } = await a().client.generate.start.mutate({ ...LONG_JOB, seed: 17 });
      const started = await waitFor(() => a().client.generate.get.query({ id }), (row) => row.status === 'running', 'the job running');
      const leaving = servers.get(started.node!)!;
      const staying = leaving === a() ? b() : a();
      const events = follow(staying.client, id);
      await leaving.stop();
      expect((await events).at(-1)).toMatchObject({ status: 'done' });
      // The final event goes out before the row is written.
      const row = await waitFor(() => staying.client.generate.get.query({ id }), (r) => r.status === 'done', 'the row done');
      expect(row).toMatchObject({ attempts: 2, node: staying === a() ? 'gpu-a' : 'gpu-b' });
      // The stopped node comes back under its name.
      await start(started.node!, false);
    }, 180_000);

    it('finishes on the other node a job whose node was killed mid-job, with the same image and one result', async () => {
      // The same job run whole on one node, for the reference image.
      const reference = await a().client.generate.start.mutate({ ...LONG_JOB, seed: 13 });
      const [referenceEnd] = (await follow(a().client, reference.id)).slice(-1);
      expect(referenceEnd).toMatchObject({ status: 'done' });

      const { id } = await a().client.generate.start.mutate({ ...LONG_JOB, seed: 13 });
      const started = await waitFor(() => a().client.generate.get.query({ id }), (row) => row.status === 'running', 'the job running');
      const victim = servers.get(started.node!)!;
      const survivor = victim === a() ? b() : a();
      const events = follow(survivor.client, id);
      await victim.kill();
      servers.delete(started.node!);
      expect((await events).at(-1)).toMatchObject({ status: 'done' });
      const row = await waitFor(() => survivor.client.generate.get.query({ id }), (r) => r.status === 'done', 'the row done');
      expect(row).toMatchObject({ attempts: 2, node: survivor === a() ? 'gpu-a' : 'gpu-b' });
      expect(await sha(`${survivor.url}${row.imageUrl}`)).toBe(await sha(`${survivor.url}${(await survivor.client.generate.get.query({ id: reference.id })).imageUrl}`));
      const nodes = await survivor.client.nodes.list.query();
      expect(nodes.find((node) => node.name === started.node)).toMatchObject({ alive: false, liveness: 'lost' });
      const sameSeed = (await survivor.client.history.generations.query({ limit: 50 })).items.filter((item) => item.seed === 13 && item.prompt === JOB.prompt);
      expect(sameSeed.map((item) => item.status)).toEqual(['done', 'done']);
    }, 180_000);
  });
}
