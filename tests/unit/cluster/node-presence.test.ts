import { describe, expect, it } from 'vitest';
import { NodePresence, type NodeIdentity } from '../../../server/cluster/node-presence.js';
import { livenessOf } from '../../../server/cluster/node-liveness.js';
import type { NodeRecord, NodeRepository, NodeState } from '../../../server/db/node-repository.js';
import { CollectingLogger } from '../../helpers/scenario.js';

const HEARTBEAT_MS = 20;
const STATE: NodeState = { models: [], memoryBudgetBytes: 1, memoryUsedBytes: 0, maxLoaded: 3, queueDepth: 0 };
const IDENTITY: NodeIdentity = { name: 'gpu-a', url: 'http://10.0.0.1:4100', device: 'cpu', version: '0.1.0', schemaVersion: '20261206233527_nodes' };

class MemoryNodes implements NodeRepository {
  readonly rows = new Map<string, NodeRecord>();
  migrations = ['20261130043551_init', '20261206233527_nodes'];

  async find(name: string) {
    return this.rows.get(name) ?? null;
  }
  async list() {
    return [...this.rows.values()];
  }
  async join(node: Omit<NodeRecord, 'stoppedAt'>) {
    this.rows.set(node.name, { ...node, stoppedAt: null });
  }
  async beat(name: string, at: Date, state: NodeState) {
    const row = this.rows.get(name)!;
    this.rows.set(name, { ...row, heartbeatAt: at, state });
  }
  async stop(name: string, at: Date) {
    const row = this.rows.get(name);
    if (row) this.rows.set(name, { ...row, stoppedAt: at });
  }
  async appliedMigrations() {
    return this.migrations;
  }
  /** Another node's row, as its own join and heartbeats would leave it. */
  put(name: string, heartbeatAt: Date, extra: Partial<NodeRecord> = {}) {
    this.rows.set(name, { ...IDENTITY, name, startedAt: heartbeatAt, heartbeatAt, stoppedAt: null, state: STATE, ...extra });
  }
}

function presence(repository: NodeRepository, identity: NodeIdentity = IDENTITY) {
  return new NodePresence({ repository, identity, state: () => STATE, heartbeatMs: HEARTBEAT_MS, logger: new CollectingLogger() });
}

describe('node liveness', () => {
  it('counts a node as lost after 3 missed heartbeats, and a stopped one as stopped', () => {
    const at = new Date(0);
    expect(livenessOf({ heartbeatAt: at, stoppedAt: null }, 3 * 1000, 1000)).toBe('alive');
    expect(livenessOf({ heartbeatAt: at, stoppedAt: null }, 3 * 1000 + 1, 1000)).toBe('lost');
    expect(livenessOf({ heartbeatAt: at, stoppedAt: at }, 1, 1000)).toBe('stopped');
  });
});

describe('NodePresence', () => {
  it('joins, sends heartbeats with its state, and marks itself stopped on leave', async () => {
    const nodes = new MemoryNodes();
    const node = presence(nodes);
    await node.join();
    const joined = nodes.rows.get('gpu-a')!.heartbeatAt.getTime();
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
    expect(nodes.rows.get('gpu-a')!.heartbeatAt.getTime()).toBeGreaterThan(joined);
    expect((await node.list()).map((n) => [n.name, n.liveness])).toEqual([['gpu-a', 'alive']]);
    await node.leave();
    expect(nodes.rows.get('gpu-a')!.stoppedAt).not.toBeNull();
  });

  it('refuses a second node with the name of a running one, naming the variable', async () => {
    const nodes = new MemoryNodes();
    nodes.put('gpu-a', new Date());
    // The other node keeps beating while this one checks.
    const beating = setInterval(() => void nodes.beat('gpu-a', new Date(), STATE), HEARTBEAT_MS / 2);
    try {
      await expect(presence(nodes).join()).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('EASEL_NODE_NAME') });
    } finally {
      clearInterval(beating);
    }
  });

  it('takes over its own row left by a crash a moment ago (no heartbeat moves on)', async () => {
    const nodes = new MemoryNodes();
    nodes.put('gpu-a', new Date());
    const node = presence(nodes);
    await node.join();
    expect(nodes.rows.get('gpu-a')!.stoppedAt).toBeNull();
    await node.leave();
  });

  it('refuses to join a database at a newer schema, naming both versions', async () => {
    const nodes = new MemoryNodes();
    nodes.migrations.push('20270101000000_later');
    await expect(presence(nodes).join()).rejects.toThrow(/20261206233527_nodes.*20270101000000_later/);
  });

  it('refuses to join beside a live node of another schema version, naming both', async () => {
    const nodes = new MemoryNodes();
    nodes.put('gpu-b', new Date(), { schemaVersion: '20261130043551_init' });
    await expect(presence(nodes).join()).rejects.toThrow(/"gpu-b" runs database schema 20261130043551_init and this node 20261206233527_nodes/);
  });

  it('lists a node that stopped sending heartbeats as lost', async () => {
    const nodes = new MemoryNodes();
    nodes.put('gpu-b', new Date(Date.now() - HEARTBEAT_MS * 10));
    const node = presence(nodes);
    await node.join();
    const listed = await node.list();
    expect(listed.find((n) => n.name === 'gpu-b')).toMatchObject({ liveness: 'lost', alive: false });
    expect(listed.find((n) => n.name === 'gpu-a')).toMatchObject({ liveness: 'alive', alive: true });
    await node.leave();
  });
});
