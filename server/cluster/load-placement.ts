// Which node a models.load goes to when the caller names none: the node that already holds the model (loading it
// again elsewhere would only take memory twice), else the live node with the most free budget; this node on a tie.
import type { NodeView } from './node-presence.js';

export function placeLoad(nodes: readonly NodeView[], modelId: string, self: string): string {
  const alive = nodes.filter((node) => node.alive);
  const holder = alive.find((node) => node.models.some((m) => m.modelId === modelId && m.state !== 'ERROR'));
  if (holder) return holder.name;
  let best: { name: string; free: number } = { name: self, free: -Infinity };
  for (const node of alive) {
    const free = node.memoryBudgetBytes - node.memoryUsedBytes;
    if (free > best.free || (free === best.free && node.name === self)) best = { name: node.name, free };
  }
  return best.name;
}
