// easel nodes: the GPU servers sharing the database (nodes.list), one row each; just this server on SQLite.
import { formatBytes } from '../../client/format-bytes.js';
import type { Command } from '../command.js';
import { formatDuration, table } from '../output.js';

export const NODES_COMMAND: Command = {
  name: 'nodes',
  usage: 'nodes',
  summary: 'the GPU servers sharing the database: alive, lost or stopped, resident models, memory, queue, last heartbeat',
  positionals: { min: 0, max: 0 },
  async run({ client, out }) {
    const nodes = await client.nodes.list.query();
    out.result(nodes, () => {
      const now = Date.now();
      const rows = nodes.map((node) => [
        node.name,
        node.liveness,
        node.url,
        node.device,
        node.models.length > 0 ? node.models.map((m) => `${m.modelId} (${m.state})`).join(', ') : '-',
        `${formatBytes(node.memoryUsedBytes)} of ${formatBytes(node.memoryBudgetBytes)}`,
        String(node.queueDepth),
        `${formatDuration(Math.max(0, now - new Date(node.heartbeatAt).getTime()))} ago`,
      ]);
      return table(['NODE', 'STATE', 'URL', 'DEVICE', 'MODELS', 'MEMORY', 'QUEUE', 'HEARTBEAT'], rows);
    });
  },
};
