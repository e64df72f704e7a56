// JobRescue over fakes: the shared job rows (an in-memory map whose conditional updates behave like the real
// single-row UPDATEs), the shared queue's giveBack, the node list, and the hooks that publish and wake the nodes.
import { describe, expect, it } from 'vitest';
import { JobRescue } from '../../../server/cluster/job-rescue.js';
import type { Liveness } from '../../../server/cluster/node-liveness.js';
import type { NodeView } from '../../../server/cluster/node-presence.js';
import type { JobEvent } from '../../../server/core/generation/job-events.js';
import type { SharedJobRows } from '../../../server/db/shared-job-rows.js';
import { CollectingLogger } from '../../helpers/scenario.js';

const ME = 'gpu-a';

interface Row {
  id: string;
  modelId: string;
  node: string | null;
  status: 'queued' | 'loading' | 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
}

class MemoryJobRows implements SharedJobRows {
  readonly rows = new Map<string, Row>();
  readonly requeueCalls: Array<{ id: string; node: string }> = [];
  private readers: { count: number; release: () => void; gate: Promise<void> } | null = null;

  put(row: Row): void {
    this.rows.set(row.id, { ...row });
  }

  /** Holds every startedOn() until `count` of them have read: rescuers that all saw the same rows. */
  readTogether(count: number): void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.readers = { count, release, gate };
  }

  async claim(id: string, node: string): Promise<boolean> {
    return this.change(id, (row) => row.status === 'queued', { status: 'loading', node });
  }
  async cancelQueued(id: string, reason: string): Promise<boolean> {
    return this.change(id, (row) => row.status === 'queued', { status: 'cancelled', error: reason });
  }
  async requeueFrom(id: string, node: string): Promise<boolean> {
    this.requeueCalls.push({ id, node });
    return this.change(id, (row) => row.node === node && (row.status === 'loading' || row.status === 'running'), { status: 'queued' });
  }
  async restoreStarted(id: string, node: string): Promise<boolean> {
    return this.change(id, (row) => row.status === 'queued', { status: 'running', node });
  }
  async failQueued(id: string, reason: string): Promise<boolean> {
    return this.change(id, (row) => row.status === 'queued', { status: 'failed', error: reason });
  }
  async startedOn(nodes: readonly string[]): Promise<Array<{ id: string; modelId: string; node: string }>> {
    const found = [...this.rows.values()]
      .filter((row) => row.node !== null && nodes.includes(row.node) && (row.status === 'loading' || row.status === 'running'))
      .map((row) => ({ id: row.id, modelId: row.modelId, node: row.node! }));
    if (this.readers) {
      const readers = this.readers;
      readers.count -= 1;
      if (readers.count === 0) readers.release();
      await readers.gate;
    }
    return found;
  }
  async queuedCount(): Promise<number> {
    return [...this.rows.values()].filter((row) => row.status === 'queued').length;
  }
  async oldestQueued(): Promise<Date | null> {
    return null;
  }

  status(id: string): Row['status'] | undefined {
    return this.rows.get(id)?.status;
  }

  private change(id: string, when: (row: Row) => boolean, to: Partial<Row>): boolean {
    const row = this.rows.get(id);
    if (!row || !when(row)) return false;
    Object.assign(row, to);
    return true;
  }
}

/** pg-boss's giveBack: a job may run again once (true), then its attempts are spent (false), unless a test says. */
class FakeQueue {
  readonly calls: Array<{ modelId: string; id: string; reason: string }> = [];
  private readonly tries = new Map<string, number>();
  answer: ((id: string) => boolean) | null = null;
  failing: Error | null = null;

  async giveBack(modelId: string, id: string, reason: string): Promise<boolean> {
    this.calls.push({ modelId, id, reason });
    if (this.failing) throw this.failing;
    if (this.answer) return this.answer(id);
    const tries = (this.tries.get(id) ?? 0) + 1;
    this.tries.set(id, tries);
    return tries === 1;
  }
}

function node(name: string, liveness: Liveness): NodeView {
  const at = new Date(0);
  return {
    name,
    url: `http://${name}:4100`,
    device: 'cpu',
    version: '0.1.0',
    schemaVersion: '20261206233527_nodes',
    startedAt: at,
    heartbeatAt: at,
    stoppedAt: liveness === 'stopped' ? at : null,
    models: [],
    memoryBudgetBytes: 1,
    memoryUsedBytes: 0,
    maxLoaded: 3,
    queueDepth: 0,
    liveness,
    alive: liveness === 'alive',
  };
}

interface Harness {
  rescue: JobRescue;
  rows: MemoryJobRows;
  queue: FakeQueue;
  published: JobEvent[];
  nudges: number;
  logger: CollectingLogger;
}

function harness(
  options: { nodes?: () => Promise<NodeView[]>; held?: (id: string) => boolean; rows?: MemoryJobRows; queue?: FakeQueue; name?: string } = {},
): Harness {
  const rows = options.rows ?? new MemoryJobRows();
  const queue = options.queue ?? new FakeQueue();
  const logger = new CollectingLogger();
  const h: Harness = { rows, queue, logger, published: [], nudges: 0, rescue: undefined as unknown as JobRescue };
  h.rescue = new JobRescue({
    rows,
    queue,
    nodes: options.nodes ?? (async () => []),
    nodeName: () => options.name ?? ME,
    held: options.held ?? (() => false),
    publishFinal: async (event) => {
      h.published.push(event);
    },
    nudge: async () => {
      h.nudges += 1;
    },
    logger,
  });
  return h;
}

describe('JobRescue.sweep', () => {
  it('queues again a job started on a lost node and wakes the nodes', async () => {
    const h = harness({ nodes: async () => [node(ME, 'alive'), node('gpu-b', 'lost')] });
    h.rows.put({ id: 'job-1', modelId: 'A', node: 'gpu-b', status: 'running' });

    expect(await h.rescue.sweep()).toBe(1);

    expect(h.rows.status('job-1')).toBe('queued');
    expect(h.queue.calls).toEqual([{ modelId: 'A', id: 'job-1', reason: expect.stringContaining('"gpu-b" was lost') }]);
    expect(h.nudges).toBe(1);
    expect(h.published).toEqual([]);
  });

  it('queues again a job still loading on a node that stopped', async () => {
    const h = harness({ nodes: async () => [node(ME, 'alive'), node('gpu-c', 'stopped')] });
    h.rows.put({ id: 'job-2', modelId: 'B', node: 'gpu-c', status: 'loading' });

    expect(await h.rescue.sweep()).toBe(1);

    expect(h.rows.status('job-2')).toBe('queued');
    expect(h.queue.calls.map((call) => [call.modelId, call.id])).toEqual([['B', 'job-2']]);
    expect(h.nudges).toBe(1);
  });

  it('leaves alone the jobs of alive nodes, of this node, and the ones not started', async () => {
    // This node's own row may look stopped (its previous run): its leftovers are ownLeftovers()'s, not the sweep's.
    const h = harness({ nodes: async () => [node(ME, 'stopped'), node('gpu-b', 'alive'), node('gpu-c', 'lost')] });
    h.rows.put({ id: 'mine', modelId: 'A', node: ME, status: 'running' });
    h.rows.put({ id: 'alive', modelId: 'A', node: 'gpu-b', status: 'running' });
    h.rows.put({ id: 'waiting', modelId: 'A', node: null, status: 'queued' });
    h.rows.put({ id: 'ended', modelId: 'A', node: 'gpu-c', status: 'done' });

    expect(await h.rescue.sweep()).toBe(0);

    expect([...h.rows.rows.values()].map((row) => [row.id, row.status])).toEqual([
      ['mine', 'running'],
      ['alive', 'running'],
      ['waiting', 'queued'],
      ['ended', 'done'],
    ]);
    expect(h.rows.requeueCalls).toEqual([]);
    expect(h.queue.calls).toEqual([]);
    expect(h.nudges).toBe(0);
  });

  it('fails a job whose attempts are spent with an INTERRUPTED final event, and does not wake the nodes', async () => {
    const h = harness({ nodes: async () => [node('gpu-b', 'lost')] });
    h.queue.answer = () => false;
    h.rows.put({ id: 'job-1', modelId: 'A', node: 'gpu-b', status: 'running' });

    expect(await h.rescue.sweep()).toBe(1);

    const row = h.rows.rows.get('job-1')!;
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/interrupted twice \(node "gpu-b" was lost while running it\); it is not tried again/);
    expect(h.published).toEqual([{ id: 'job-1', status: 'failed', error: { code: 'INTERRUPTED', message: row.error } }]);
    expect(h.nudges).toBe(0);
  });

  it('gives a job back once, then fails it when its second node is lost too', async () => {
    const h = harness({ nodes: async () => [node('gpu-b', 'lost'), node('gpu-c', 'lost')] });
    h.rows.put({ id: 'job-1', modelId: 'A', node: 'gpu-b', status: 'running' });
    await h.rescue.sweep();
    expect(h.rows.status('job-1')).toBe('queued');

    // gpu-c claims it and is lost in turn.
    expect(await h.rows.claim('job-1', 'gpu-c')).toBe(true);
    await h.rescue.sweep();

    expect(h.rows.status('job-1')).toBe('failed');
    expect(h.queue.calls.map((call) => call.id)).toEqual(['job-1', 'job-1']);
    expect(h.published.map((event) => event.status)).toEqual(['failed']);
    expect(h.nudges).toBe(1);
  });

  it('with two rescuers racing on the same row, only the one whose conditional update wins gives it back', async () => {
    const rows = new MemoryJobRows();
    const queue = new FakeQueue();
    const nodes = async () => [node('gpu-a', 'alive'), node('gpu-b', 'alive'), node('gpu-c', 'lost')];
    const a = harness({ rows, queue, nodes, name: 'gpu-a' });
    const b = harness({ rows, queue, nodes, name: 'gpu-b' });
    rows.put({ id: 'job-1', modelId: 'A', node: 'gpu-c', status: 'running' });
    rows.readTogether(2);

    await Promise.all([a.rescue.sweep(), b.rescue.sweep()]);

    // Both saw the row started on the lost node and both tried; one conditional update won.
    expect(rows.requeueCalls).toEqual([
      { id: 'job-1', node: 'gpu-c' },
      { id: 'job-1', node: 'gpu-c' },
    ]);
    expect(queue.calls).toHaveLength(1);
    expect(a.nudges + b.nudges).toBe(1);
    expect(rows.status('job-1')).toBe('queued');
    expect([...a.published, ...b.published]).toEqual([]);
  });

  it('puts the row back as it was when pg-boss refuses the give-back, so the next sweep tries again', async () => {
    const h = harness({ nodes: async () => [node('gpu-b', 'lost')] });
    h.rows.put({ id: 'j1', modelId: 'm', node: 'gpu-b', status: 'running' });
    h.queue.failing = new Error('connection reset');
    expect(await h.rescue.sweep()).toBe(0);
    expect(h.rows.rows.get('j1')).toMatchObject({ status: 'running', node: 'gpu-b' });
    expect(h.logger.entries.some((entry) => String(entry.fields?.error).includes('connection reset'))).toBe(true);
    h.queue.failing = null;
    expect(await h.rescue.sweep()).toBe(1);
    expect(h.rows.status('j1')).toBe('queued');
  });

  it('logs a failure to list the nodes instead of throwing', async () => {
    const h = harness({ nodes: () => Promise.reject(new Error('connection terminated')) });
    h.rows.put({ id: 'job-1', modelId: 'A', node: 'gpu-b', status: 'running' });

    expect(await h.rescue.sweep()).toBe(0);

    expect(h.logger.entries).toEqual([{ level: 'warn', message: 'looking for the jobs of lost nodes failed', fields: { error: 'Error: connection terminated' } }]);
    expect(h.rows.status('job-1')).toBe('running');
  });

  it('sweeps again after a failed sweep', async () => {
    let fail = true;
    const h = harness({ nodes: async () => (fail ? Promise.reject(new Error('down')) : [node('gpu-b', 'lost')]) });
    h.rows.put({ id: 'job-1', modelId: 'A', node: 'gpu-b', status: 'running' });
    expect(await h.rescue.sweep()).toBe(0);
    fail = false;
    expect(await h.rescue.sweep()).toBe(1);
    expect(h.rows.status('job-1')).toBe('queued');
  });
});

describe('JobRescue.ownLeftovers', () => {
  it("gives back this node's started rows that it does not hold, and leaves the held ones", async () => {
    const h = harness({ held: (id) => id === 'held' });
    h.rows.put({ id: 'left', modelId: 'A', node: ME, status: 'running' });
    h.rows.put({ id: 'left-loading', modelId: 'B', node: ME, status: 'loading' });
    h.rows.put({ id: 'held', modelId: 'A', node: ME, status: 'running' });
    h.rows.put({ id: 'other', modelId: 'A', node: 'gpu-b', status: 'running' });

    expect(await h.rescue.ownLeftovers()).toBe(2);

    expect(h.rows.status('left')).toBe('queued');
    expect(h.rows.status('left-loading')).toBe('queued');
    expect(h.rows.status('held')).toBe('running');
    expect(h.rows.status('other')).toBe('running');
    expect(h.queue.calls.map((call) => [call.modelId, call.id])).toEqual([
      ['A', 'left'],
      ['B', 'left-loading'],
    ]);
    expect(h.queue.calls[0]!.reason).toBe(`node "${ME}" restarted while running it`);
    expect(h.nudges).toBe(2);
  });

  it('fails a leftover whose attempts are spent', async () => {
    const h = harness();
    h.queue.answer = () => false;
    h.rows.put({ id: 'left', modelId: 'A', node: ME, status: 'running' });

    expect(await h.rescue.ownLeftovers()).toBe(1);

    expect(h.rows.status('left')).toBe('failed');
    expect(h.published).toEqual([{ id: 'left', status: 'failed', error: { code: 'INTERRUPTED', message: expect.stringMatching(/restarted while running it/) } }]);
  });
});
