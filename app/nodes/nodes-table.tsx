'use client';
// The nodes as a table: one row per GPU server with its liveness, resident models, memory, queue and heartbeat.
// What a lost or stopped node holds is as its last heartbeat said, so its row is dimmed.
import { formatBytes } from '../../client/format-bytes';
import { StateBadge } from '../_components/state-badge';
import { formatAge, formatTime } from '../_lib/format';
import { MODEL_STATES, type ModelState } from '../_lib/lifecycle';
import type { ClusterNode } from '../_lib/trpc';
import { useNow } from '../_lib/use-now';

/** The colour of each liveness, borrowed from the lifecycle pills: alive reads as loaded, lost as an error. */
const LIVENESS_CLASS: Record<ClusterNode['liveness'], string> = {
  alive: 'state-loaded',
  lost: 'state-error',
  stopped: 'state-none',
};

function LivenessBadge({ liveness }: { liveness: ClusterNode['liveness'] }) {
  return <span className={`state ${LIVENESS_CLASS[liveness]}`}>{liveness}</span>;
}

/** A heartbeat's state is plain text (a newer node may know more states): a pill when it is one of ours. */
function isModelState(state: string): state is ModelState {
  return (MODEL_STATES as readonly string[]).includes(state);
}

function NodeModels({ node }: { node: ClusterNode }) {
  if (node.models.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="node-models" aria-label={`Models on ${node.name}`}>
      {node.models.map((m) => (
        <li key={m.modelId}>
          <span className="model-id">{m.modelId}</span> {isModelState(m.state) ? <StateBadge state={m.state} compact /> : <code>{m.state}</code>}{' '}
          <span className="muted small">{formatBytes(m.memoryBytes)}</span>
        </li>
      ))}
    </ul>
  );
}

export function NodesTable({ nodes }: { nodes: readonly ClusterNode[] }) {
  const now = useNow(true);
  return (
    <div className="table-scroll" role="region" aria-labelledby="nodes-caption" tabIndex={0}>
      <table className="nodes stack-on-phone">
        <caption id="nodes-caption">GPU servers sharing this database</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">URL</th>
            <th scope="col">Device</th>
            <th scope="col">Models</th>
            <th scope="col">Memory</th>
            <th scope="col">Max models</th>
            <th scope="col">Queue</th>
            <th scope="col">Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.name} data-testid={`node-${n.name}`} className={n.alive ? undefined : 'row-gone'}>
              <th scope="row" data-label="Node" title={`Easel ${n.version}, schema ${n.schemaVersion}, started ${formatTime(n.startedAt)}`}>
                {n.name}
              </th>
              <td data-label="State" className="liveness-cell">
                <LivenessBadge liveness={n.liveness} />
              </td>
              <td data-label="URL">
                <code className="path">{n.url}</code>
              </td>
              <td data-label="Device">{n.device}</td>
              <td data-label="Models">
                <NodeModels node={n} />
              </td>
              <td data-label="Memory" className="nowrap">
                {formatBytes(n.memoryUsedBytes)} of {formatBytes(n.memoryBudgetBytes)}
              </td>
              <td data-label="Max models">{n.maxLoaded}</td>
              <td data-label="Queue">{n.queueDepth}</td>
              <td data-label="Last heartbeat" className="nowrap">
                <time dateTime={n.heartbeatAt.toISOString()} title={formatTime(n.heartbeatAt)}>
                  {formatAge(now - n.heartbeatAt.getTime())}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
