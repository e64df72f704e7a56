'use client';
// The admin history page: filters, the transitions table with cursor paging (optionally grouped by node, kept in
// the URL as ?group=node), a live tail that follows new transitions as the status stream reports them, CSV export of
// everything the filters match, and the timeline.
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorMessage } from '../../_components/error-message';
import { readAdminToken, saveAdminToken } from '../../_lib/admin-token';
import { easelCode, readableError } from '../../_lib/errors';
import { useLiveStatus } from '../../_lib/live-status';
import { residentOf } from '../../_lib/resident';
import { useTRPC, useTRPCClient, type Transition } from '../../_lib/trpc';
import { downloadText, transitionsCsv } from './csv';
import { DiskUsage } from './disk-usage';
import { FilterBar, NO_FILTERS, rangeError, toQueryInput, type Filters } from './filters';
import { TimelineChart } from './timeline-chart';
import { TokenForm } from './token-form';
import { TransitionsTable } from './transitions-table';

const PAGE_SIZE = 50;
/** CSV export reads the log in pages of the largest size the API allows, up to this many rows. */
const EXPORT_LIMIT = 100_000;

/** Keeps the "Group by node" choice in the address, so a link or a reload shows the same view. */
function writeGroupParam(byNode: boolean): void {
  const url = new URL(window.location.href);
  if (byNode) url.searchParams.set('group', 'node');
  else url.searchParams.delete('group');
  window.history.replaceState(null, '', url);
}

export function HistoryPage({ groupByNode }: { groupByNode: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const { status, transitions: transitionCount } = useLiveStatus();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [live, setLive] = useState(true);
  const [byNode, setByNode] = useState(groupByNode);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [hasToken, setHasToken] = useState(false);
  useEffect(() => setHasToken(readAdminToken() !== null), []);

  const input = toQueryInput(filters);
  const invalidRange = rangeError(filters) !== null;
  const log = useInfiniteQuery(
    trpc.history.transitions.infiniteQueryOptions(
      { ...input, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, enabled: !invalidRange },
    ),
  );
  const models = useQuery(trpc.models.list.queryOptions());
  // The live status is this node's: grouped by node, its residents extend this node's lanes of the chart.
  const thisNode = useQuery({ ...trpc.models.status.queryOptions(), enabled: byNode }).data?.node;

  // Live tail: each lifecycle change is one more audit row, already written when the status event arrives.
  const { refetch } = log;
  useEffect(() => {
    if (live && transitionCount > 0) void refetch();
  }, [live, transitionCount, refetch]);

  const rows = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);
  const seenUpTo = useRef<number | null>(null);
  const [newIds, setNewIds] = useState<ReadonlySet<number>>(new Set());
  const loaded = log.isSuccess;
  useEffect(() => {
    // The first page that arrives is what was there, not news.
    if (!loaded) return;
    const top = rows[0]?.id ?? 0;
    if (seenUpTo.current !== null && top > seenUpTo.current) {
      const previous = seenUpTo.current;
      // Added to the rows already marked: two transitions may arrive in two refreshes, and both are new.
      setNewIds((marked) => new Set([...marked, ...rows.filter((r) => r.id > previous).map((r) => r.id)]));
    }
    seenUpTo.current = Math.max(seenUpTo.current ?? 0, top);
  }, [rows, loaded]);

  const unauthorized = easelCode(log.error) === 'UNAUTHORIZED';
  const modelIds = [...new Set([...(models.data?.map((m) => m.id) ?? []), ...rows.flatMap((r) => (r.modelId ? [r.modelId] : []))])].sort();

  const exportCsv = async () => {
    setExportError(null);
    const all: Transition[] = [];
    let cursor: number | undefined;
    try {
      do {
        setExporting(`Exporting… ${all.length} rows`);
        const page = await client.history.transitions.query({ ...input, limit: 500, cursor });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && all.length < EXPORT_LIMIT);
      downloadText(`easel-transitions-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.csv`, transitionsCsv(all), 'text/csv');
    } catch (error) {
      setExportError(readableError(error));
    } finally {
      setExporting(null);
    }
  };

  // The current state extends the chart only when the filters would include its row.
  const followsCurrent = live && !filters.until && (!filters.modelId || residentOf(status, filters.modelId) !== undefined);

  if (unauthorized) return <TokenForm rejected={hasToken} />;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>History</h1>
        <div className="actions">
          <label className="checkbox">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live tail
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={byNode}
              onChange={(e) => {
                setByNode(e.target.checked);
                writeGroupParam(e.target.checked);
              }}
            />{' '}
            Group by node
          </label>
          <button type="button" onClick={exportCsv} disabled={exporting !== null || rows.length === 0}>
            {exporting ?? 'Export CSV'}
          </button>
          {hasToken && (
            <button
              type="button"
              onClick={() => {
                saveAdminToken(null);
                setHasToken(false);
                void queryClient.invalidateQueries(trpc.history.pathFilter());
              }}
            >
              Forget admin token
            </button>
          )}
        </div>
      </div>
      {exportError && (
        <p className="error" role="alert">
          CSV export failed: {exportError}
        </p>
      )}
      <FilterBar filters={filters} modelIds={modelIds} onChange={setFilters} />
      <ErrorMessage error={log.error} />
      <p className="visually-hidden" aria-live="polite">
        {newIds.size > 0 ? `${newIds.size} new ${newIds.size === 1 ? 'transition' : 'transitions'}` : ''}
      </p>

      <DiskUsage />
      <section className="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <TimelineChart rows={rows} current={followsCurrent ? status : undefined} now={Date.now()} byNode={byNode ? { currentNode: thisNode ?? null } : undefined} />
      </section>

      <section className="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Transitions</h2>
        {log.isPending && <p className="muted">Loading the log…</p>}
        {invalidRange && <p className="muted">Fix the time range above to see transitions.</p>}
        {log.isSuccess && rows.length === 0 && <p className="muted">No transitions match these filters.</p>}
        {rows.length > 0 && <TransitionsTable rows={rows} newIds={newIds} byNode={byNode} />}
        <div className="actions">
          <span className="muted">
            Showing {rows.length} {rows.length === 1 ? 'transition' : 'transitions'}
            {log.hasNextPage ? '' : rows.length > 0 ? ' (all)' : ''}
          </span>
          {log.hasNextPage && (
            <button type="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage ? 'Loading…' : 'Load older transitions'}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
