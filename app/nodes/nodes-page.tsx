'use client';
// The Nodes page: every GPU server sharing the database (nodes.list), refreshed every second so a node that
// joins, stops or misses its heartbeats shows without a reload.
import { useQuery } from '@tanstack/react-query';
import { ErrorMessage } from '../_components/error-message';
import { useTRPC } from '../_lib/trpc';
import { NodesTable } from './nodes-table';

/** Heartbeats come every few seconds and a lost node is 3 missed beats: once a second shows a change promptly. */
const REFRESH_MS = 1000;

export function NodesPage() {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.nodes.list.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const list = nodes.data ?? [];
  const alive = list.filter((n) => n.alive).length;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Nodes</h1>
        {nodes.data && (
          <p className="muted small" role="status" aria-label="Node count">
            {list.length} {list.length === 1 ? 'node' : 'nodes'}, {alive} alive
          </p>
        )}
      </div>
      {/* Kept above the last list it could read: a node that stops answering must not blank the whole cluster. */}
      <ErrorMessage error={nodes.error} />
      {nodes.isPending && <p className="muted">Asking the server for its nodes…</p>}
      {nodes.data?.length === 0 && (
        <p className="muted">No node has registered in the database yet: each GPU server joins when it starts.</p>
      )}
      {list.length > 0 && (
        <section className="card">
          <NodesTable nodes={list} />
        </section>
      )}
    </div>
  );
}
