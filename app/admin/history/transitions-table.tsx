// The audit log as a table, newest first; rows that arrived through the live tail are marked as new.
import { formatDuration, formatTime } from '../../_lib/format';
import type { Transition } from '../../_lib/trpc';
import { StateBadge } from '../../_components/state-badge';

/** Endings someone asked for (a cancel, or a load superseded by another): their text is a note, not an error. */
const EXPECTED_ENDINGS: ReadonlySet<string> = new Set(['LOAD_CANCELLED']);

export function TransitionsTable({ rows, newIds }: { rows: readonly Transition[]; newIds: ReadonlySet<number> }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby="transitions-caption" tabIndex={0}>
      <table className="transitions stack-on-phone">
        <caption id="transitions-caption">State transitions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Model</th>
            <th scope="col">From → To</th>
            <th scope="col">Reason</th>
            <th scope="col">Actor</th>
            <th scope="col">Duration</th>
            <th scope="col">Error or note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={newIds.has(r.id) ? 'row-new' : undefined}>
              <td data-label="Time">
                <time dateTime={r.at.toISOString()}>{formatTime(r.at)}</time>
              </td>
              <td data-label="Model" className="ellipsis-cell" title={r.modelId ?? undefined}>
                {r.modelId ?? '—'}
              </td>
              <td data-label="From → To" className="nowrap">
                <StateBadge state={r.from} compact /> <span aria-label="to">→</span> <StateBadge state={r.to} compact />
              </td>
              <td data-label="Reason">
                <code>{r.reason}</code>
              </td>
              <td data-label="Actor">{r.actor}</td>
              <td data-label="Duration" title="How long the state being left lasted">{formatDuration(r.durationMs)}</td>
              <td data-label="Error or note" className={EXPECTED_ENDINGS.has(r.reason) ? 'note-cell' : 'error-cell'}>{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
