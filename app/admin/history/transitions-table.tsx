// The audit log as a table, newest first; rows that arrived through the live tail are marked as new.
import { formatDuration, formatTime } from '../../_lib/format';
import type { Transition } from '../../_lib/trpc';
import { StateBadge } from '../../_components/state-badge';

export function TransitionsTable({ rows, newIds }: { rows: readonly Transition[]; newIds: ReadonlySet<number> }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby="transitions-caption" tabIndex={0}>
      <table className="transitions">
        <caption id="transitions-caption">State transitions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Model</th>
            <th scope="col">From → To</th>
            <th scope="col">Reason</th>
            <th scope="col">Actor</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={newIds.has(r.id) ? 'row-new' : undefined}>
              <td>
                <time dateTime={r.at.toISOString()}>{formatTime(r.at)}</time>
              </td>
              <td>{r.modelId ?? '—'}</td>
              <td className="nowrap">
                <StateBadge state={r.from} compact /> <span aria-label="to">→</span> <StateBadge state={r.to} compact />
              </td>
              <td>
                <code>{r.reason}</code>
              </td>
              <td>{r.actor}</td>
              <td title="How long the state being left lasted">{formatDuration(r.durationMs)}</td>
              <td className="error-cell">{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
