'use client';
// The models held in memory now: state, memory against the budget, keep-alive countdown, jobs, and Unload.
import { useMutation } from '@tanstack/react-query';
import { formatBytes } from '../../client/format-bytes';
import { formatDuration } from '../_lib/format';
import { useLiveStatus } from '../_lib/live-status';
import { useNow } from '../_lib/use-now';
import { useTRPC } from '../_lib/trpc';
import { ErrorMessage } from './error-message';
import { StateBadge } from './state-badge';

function keepAliveText(keepAlive: number, expiresAt: Date | null, now: number): string {
  if (keepAlive < 0) return 'kept until unloaded';
  if (expiresAt) return `unloads in ${formatDuration(Math.max(0, expiresAt.getTime() - now))}`;
  return keepAlive === 0 ? 'unloads after its last job' : `kept ${formatDuration(keepAlive * 1000)} after its last job`;
}

export function ResidentModels() {
  const trpc = useTRPC();
  const { status, connection } = useLiveStatus();
  const unload = useMutation(trpc.models.unload.mutationOptions());
  const models = status?.models ?? [];
  const now = useNow(models.some((m) => m.expiresAt !== null));
  const budget = status?.memoryBudgetBytes ?? 0;
  const used = status?.memoryUsedBytes ?? 0;
  const live = connection === 'live';

  return (
    <section className="card resident" aria-labelledby="resident-heading">
      <h2 id="resident-heading">In memory</h2>
      {status && (
        <div className="memory-total">
          <meter aria-label="Memory used by resident models" min={0} max={Math.max(budget, 1)} value={used} />
          <span className="small muted">
            {formatBytes(used)} of {formatBytes(budget)} · up to {status.maxLoaded} models
          </span>
        </div>
      )}
      {models.length === 0 && <p className="muted small">No model is loaded.</p>}
      <ul className="resident-list">
        {models.map((m) => (
          <li key={m.modelId} className="resident-item" aria-label={`Resident model ${m.modelId}`}>
            <div className="resident-head">
              <span className="ellipsis model-id" title={m.modelId}>
                {m.modelId}
              </span>
              <StateBadge state={m.state} compact />
            </div>
            <meter aria-label={`Memory of ${m.modelId}`} min={0} max={Math.max(budget, 1)} value={m.memoryBytes} />
            <p className="small muted">
              {formatBytes(m.memoryBytes)} ({m.memorySource}){m.device ? ` on ${m.device}` : ''} · {keepAliveText(m.keepAlive, m.expiresAt, now)} · {m.jobs.running}{' '}
              running, {m.jobs.queued} queued
            </p>
            <button
              type="button"
              aria-label={`Unload ${m.modelId}`}
              disabled={!live || m.state !== 'LOADED' || (unload.isPending && unload.variables?.id === m.modelId)}
              onClick={() => unload.mutate({ id: m.modelId })}
            >
              Unload
            </button>
          </li>
        ))}
      </ul>
      <ErrorMessage error={unload.error} />
    </section>
  );
}
