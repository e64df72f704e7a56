// The history page's "Group by node" view: one group per node, in name order, each keeping the log's order.
import { describe, expect, it } from 'vitest';
import { groupByNode } from '../../../app/admin/history/node-groups.js';

const row = (id: number, node: string | null) => ({ id, node });

describe('groupByNode', () => {
  it('makes one group per node in name order, each keeping the rows newest first', () => {
    const groups = groupByNode([row(6, 'gpu-b'), row(5, 'gpu-a'), row(4, 'gpu-b'), row(3, 'gpu-a'), row(2, 'gpu-b')]);
    expect(groups).toEqual([
      { node: 'gpu-a', rows: [row(5, 'gpu-a'), row(3, 'gpu-a')] },
      { node: 'gpu-b', rows: [row(6, 'gpu-b'), row(4, 'gpu-b'), row(2, 'gpu-b')] },
    ]);
  });

  it('puts rows recorded before nodes were named in a last group', () => {
    expect(groupByNode([row(3, null), row(2, 'gpu-b'), row(1, null)]).map((g) => g.node)).toEqual(['gpu-b', null]);
  });

  it('has no group for no rows', () => {
    expect(groupByNode([])).toEqual([]);
  });
});
