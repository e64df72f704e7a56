// Nodes sharing one database, through real GPU server processes: on SQLite the server is the only node; on a shared
// PostgreSQL each server joins under its name, a second one with the same name refuses to start, and a killed one
// shows as lost once it has missed 3 heartbeats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir, startEaselServer, type EaselProcess } from '../../helpers/easel-server.js';
import { TEST_DATABASES, type ScratchDatabase } from '../db/test-databases.js';

const HEARTBEAT_MS = 300;

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(TEST_DATABASES)('nodes on $name', (kind) => {
  let scratch: ScratchDatabase;
  const dirs: string[] = [];
  const servers: EaselProcess[] = [];

  async function start(name: string): Promise<EaselProcess> {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const env: Record<string, string> = { EASEL_DEMO_MODEL: '0', EASEL_NODE_NAME: name, EASEL_HEARTBEAT_MS: String(HEARTBEAT_MS) };
    if (kind.name === 'postgresql') env.DATABASE_URL = scratch.url;
    const server = await startEaselServer({ dataDir, env });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    scratch = await kind.scratch();
  });
  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    await scratch.dispose();
    for (const dir of dirs) await removeDataDir(dir);
  });

  it('lists this server as an alive node with its name, device and budget', async () => {
    const a = await start('gpu-a');
    const nodes = await a.client.nodes.list.query();
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ name: 'gpu-a', device: 'cpu', alive: true, liveness: 'alive', maxLoaded: 3, queueDepth: 0, models: [] });
    expect(nodes[0]!.memoryBudgetBytes).toBeGreaterThan(0);
  });

  if (kind.name !== 'postgresql') return;

  it('sees a second node, and refuses a third with the name of a running one', async () => {
    const a = servers[0]!;
    const b = await start('gpu-b');
    const listed = await waitFor(() => a.client.nodes.list.query(), (n) => n.length === 2, 'both nodes listed');
    expect(listed.map((n) => [n.name, n.alive])).toEqual([['gpu-a', true], ['gpu-b', true]]);
    expect(listed.find((n) => n.name === 'gpu-b')!.url).toBe(b.url);
    await expect(start('gpu-a')).rejects.toThrow(/A node named \\?"gpu-a\\?" is already running.*EASEL_NODE_NAME/s);
  });

  it('shows a killed node as lost, and a stopped one as stopped', async () => {
    const a = servers[0]!;
    const b = servers[1]!;
    await b.kill();
    const lost = await waitFor(() => a.client.nodes.list.query(), (n) => n.find((x) => x.name === 'gpu-b')?.liveness === 'lost', 'gpu-b lost');
    expect(lost.find((n) => n.name === 'gpu-b')).toMatchObject({ alive: false, liveness: 'lost' });
    // The crashed node comes back under its name: its old row is taken over.
    const again = await start('gpu-b');
    await waitFor(() => a.client.nodes.list.query(), (n) => n.find((x) => x.name === 'gpu-b')?.alive === true, 'gpu-b back');
    await again.stop();
    const stopped = await a.client.nodes.list.query();
    expect(stopped.find((n) => n.name === 'gpu-b')).toMatchObject({ alive: false, liveness: 'stopped' });
  });

  it('records the node on each audit row', async () => {
    const a = servers[0]!;
    const history = await a.client.history.transitions.query({ limit: 5 });
    for (const row of history.items) expect(row.node).toBe('gpu-a');
  });
});
