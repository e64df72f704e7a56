import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createScratchPostgres } from '../tests/helpers/scratch-postgres.js';
import { prepareBenchModels } from './models/bench-models.js';
import { startBenchServer, type BenchServer } from './server-process.js';
import { whenDone } from './generation-wait.js';

const workDir = await mkdtemp(join(tmpdir(), 'easel-dbg-'));
const models = await prepareBenchModels();
const db = await createScratchPostgres('postgres://easel@127.0.0.1:54329/postgres');
const nodes: BenchServer[] = [];
try {
  for (const name of ['n1', 'n2']) {
    nodes.push(await startBenchServer({ dataDir: join(workDir, name), modelsDir: models.root, threads: 1, env: { DATABASE_URL: db.url, EASEL_NODE_NAME: name, EASEL_IMAGES_DIR: join(workDir, 'images'), EASEL_WARM_RUNNER: '0', EASEL_PARALLEL_JOBS: '1', EASEL_HEARTBEAT_MS: '1000' } }));
  }
  await nodes[0]!.client.models.register.mutate({ path: models.sdShaped.path, id: models.sdShaped.id });
  for (const [i, n] of nodes.entries()) await n.client.models.load.mutate({ id: models.sdShaped.id, node: `n${i + 1}` });
  console.log('status n2', JSON.stringify(await nodes[1]!.client.models.status.query()).slice(0, 500));
  console.log('nodes', JSON.stringify(await nodes[1]!.client.nodes.list.query()).slice(0, 1500));
  for (let k = 0; k < 3; k++) {
    const t = Date.now();
    const { ids } = await nodes[0]!.client.generate.start.mutate({ prompt: 'x', model: models.sdShaped.id, steps: Number(process.argv[2] ?? 2), seed: 1, count: 4, width: 256, height: 256, sampler: 'EULER', guidance: 7.5 });
    await Promise.all(ids.map((id) => whenDone(nodes[0]!.client, id)));
    const rows = await Promise.all(ids.map((id) => nodes[0]!.client.generate.get.query({ id })));
    console.log(Date.now() - t, rows.map((r) => `${r.node} ${r.startedAt!.getTime() - t}-${r.finishedAt!.getTime() - t}`).join(' | '));
  }
} finally {
  for (const n of nodes) { console.log('--- log', n.url); console.log(n.log().split('\n').slice(-15).join('\n')); await n.stop(); }
  await db.dispose();
}
