// The audit log as a table, newest first, optionally in one row group per node; rows that arrived through the live
// tail are marked as new.
import { formatDuration, formatTime } from '../../_lib/format';
import type { Transition } from '../../_lib/trpc';
import { StateBadge } from '../../_components/state-badge';
import { groupByNode } from './node-groups';

/** Endings someone asked for (a cancel, or a load superseded by another): their text is a note, not an error. */
const EXPECTED_ENDINGS: ReadonlySet<string> = new Set(['LOAD_CANCELLED']);
const COLUMNS = ['Time', 'Node', 'Model', 'From → To', 'Reason', 'Actor', 'Duration', 'Error or note'] as const;
/** Rows written before the audit log recorded nodes. */
const NO_NODE = 'No node recorded';

function TransitionRow({ row: r, isNew }: { row: Transition; isNew: boolean }) {
  return (
    <tr className={isNew ? 'row-new' : undefined}>
      <td data-label="Time">
        <time dateTime={r.at.toISOString()}>{formatTime(r.at)}</time>
      </td>
      <td data-label="Node" className="ellipsis-cell" title={r.node ?? undefined}>
        {r.node ?? '—'}
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
  );
}

interface Props {
  rows: readonly Transition[];
  newIds: ReadonlySet<number>;
  /** One row group per node, headed by its name, instead of one list. */
  byNode: boolean;
}

export function TransitionsTable({ rows, newIds, byNode }: Props) {
  return (
    <div className="table-scroll" role="region" aria-labelledby="transitions-caption" tabIndex={0}>
      <table className="transitions stack-on-phone">
        <caption id="transitions-caption">State transitions, newest first</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        {byNode ? (
          groupByNode(rows).map(({ node, rows: group }, i) => (
            <tbody key={node ?? ''} aria-labelledby={`node-group-${i}`} data-node={node ?? ''}>
              <tr className="group-row">
                <th scope="rowgroup" colSpan={COLUMNS.length}>
                  <span id={`node-group-${i}`}>{node ?? NO_NODE}</span>
                  <span className="muted small">
                    {' '}
                    · {group.length} {group.length === 1 ? 'transition' : 'transitions'}
                  </span>
                </th>
              </tr>
              {group.map((r) => (
                <TransitionRow key={r.id} row={r} isNew={newIds.has(r.id)} />
              ))}
            </tbody>
          ))
        ) : (
          <tbody>
            {rows.map((r) => (
              <TransitionRow key={r.id} row={r} isNew={newIds.has(r.id)} />
            ))}
          </tbody>
        )}
      </table>
    </div>
  );
}
