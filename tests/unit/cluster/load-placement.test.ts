// Where models.load goes without a node: the node holding the model, else the live node with the most free budget.
import { describe, expect, it } from 'vitest';
import { placeLoad } from '../../../server/cluster/load-placement.js';
import type { NodeView } from '../../../server/cluster/node-presence.js';

const GiB = 1024 ** 3;

function node(name: string, options: { free: number; alive?: boolean; models?: Array<[string, string]> }): NodeView {
  const alive = options.alive ?? true;
  return {
    name,
    url: `http://${name}`,
    device: 'cpu',
    version: '1',
    schemaVersion: 's',
    startedAt: new Date(0),
    heartbeatAt: new Date(0),
    stoppedAt: null,
    models: (options.models ?? []).map(([modelId, state]) => ({ modelId, state, memoryBytes: GiB })),
    memoryBudgetBytes: 8 * GiB,
    memoryUsedBytes: 8 * GiB - options.free,
    maxLoaded: 3,
    queueDepth: 0,
    liveness: alive ? 'alive' : 'lost',
    alive,
  };
}

describe('placeLoad', () => {
  it('picks the live node with the most free budget', () => {
    expect(placeLoad([node('a', { free: 1 * GiB }), node('b', { free: 5 * GiB }), node('c', { free: 3 * GiB })], 'm', 'a')).toBe('b');
  });

  it('never picks a lost node, however free', () => {
    expect(placeLoad([node('a', { free: 1 * GiB }), node('b', { free: 7 * GiB, alive: false })], 'm', 'a')).toBe('a');
  });

  it('prefers the node that already holds (or is loading) the model', () => {
    expect(placeLoad([node('a', { free: 6 * GiB }), node('b', { free: 1 * GiB, models: [['m', 'LOADING']] })], 'm', 'a')).toBe('b');
  });

  it('does not count a model in ERROR as held', () => {
    expect(placeLoad([node('a', { free: 6 * GiB }), node('b', { free: 1 * GiB, models: [['m', 'ERROR']] })], 'm', 'b')).toBe('a');
  });

  it('keeps the load on this node on a tie, and when no node is listed', () => {
    expect(placeLoad([node('a', { free: 2 * GiB }), node('b', { free: 2 * GiB })], 'm', 'b')).toBe('b');
    expect(placeLoad([], 'm', 'self')).toBe('self');
  });
});
