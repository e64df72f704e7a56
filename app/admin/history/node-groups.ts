// Groups the loaded audit rows by the node (GPU server) that recorded them, for the history page's "Group by node"
// view: one group per node in name order, rows kept in the order they came (newest first); rows from before nodes
// were recorded (node null) come last.
export interface NodeGroup<T> {
  node: string | null;
  rows: T[];
}

export function groupByNode<T extends { node: string | null }>(rows: readonly T[]): NodeGroup<T>[] {
  const groups = new Map<string | null, T[]>();
  for (const row of rows) {
    const group = groups.get(row.node);
    if (group) group.push(row);
    else groups.set(row.node, [row]);
  }
  return [...groups.entries()]
    .map(([node, grouped]) => ({ node, rows: grouped }))
    .sort((a, b) => (a.node === null ? 1 : b.node === null ? -1 : a.node.localeCompare(b.node)));
}
