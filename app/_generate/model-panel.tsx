'use client';
// Picks a model and loads, unloads or cancels it. Buttons are enabled only when the action is legal in the
// live state; the state and the part-by-part load progress come from the status stream.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { ProgressBar } from '../_components/progress-bar';
import { StateBadge } from '../_components/state-badge';
import { easelCode } from '../_lib/errors';
import { formatTime } from '../_lib/format';
import { useLiveStatus } from '../_lib/live-status';
import { useTRPC, type ModelRecord, type ModelStatus } from '../_lib/trpc';

/** A load that was cancelled or superseded on purpose is not a failure worth an alert. */
const EXPECTED_LOAD_ENDINGS = new Set(['CANCELLED', 'SUPERSEDED']);

function stateOf(model: ModelRecord, status: ModelStatus | undefined): ModelStatus['state'] | 'NOT LOADED' {
  return status && status.modelId === model.id ? status.state : 'NOT LOADED';
}

function LoadProgress({ status, model }: { status: ModelStatus; model: ModelRecord | undefined }) {
  const progress = status.loadProgress;
  const parts = model?.description.parts.map((p) => p.part) ?? [];
  const count = progress?.count ?? parts.length;
  const done = progress ? progress.index : 0;
  const text = progress ? `Loading ${progress.part} (part ${progress.index + 1} of ${progress.count})` : 'Starting the runner…';
  return (
    <div className="load-progress">
      <ProgressBar label="Load progress" value={done} max={count} text={text} />
      {parts.length > 0 && (
        <ol className="parts" aria-label="Model parts">
          {parts.map((part, i) => {
            const state = i < done ? 'done' : i === done && progress ? 'loading' : 'waiting';
            return (
              <li key={part} className={`part part-${state}`}>
                {part} <span className="visually-hidden">({state})</span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export function ModelPanel({ selectedId, onSelect }: { selectedId: string; onSelect: (id: string) => void }) {
  const trpc = useTRPC();
  const { status, connection } = useLiveStatus();
  const models = useQuery(trpc.models.list.queryOptions());
  const load = useMutation(trpc.models.load.mutationOptions());
  const unload = useMutation(trpc.models.unload.mutationOptions());
  const cancel = useMutation(trpc.models.cancel.mutationOptions());

  const list = models.data ?? [];
  const selected = list.find((m) => m.id === selectedId);
  useEffect(() => {
    if (list.length === 0 || selected) return;
    onSelect(status?.modelId && list.some((m) => m.id === status.modelId) ? status.modelId : list[0]!.id);
  }, [list, selected, status?.modelId, onSelect]);

  const live = connection === 'live' && status !== undefined;
  const state = status?.state;
  const isCurrent = status?.modelId === selectedId;
  const canLoad = live && selected !== undefined && state !== 'UNLOADING' && !(isCurrent && (state === 'LOADING' || state === 'LOADED'));
  const canUnload = live && (state === 'LOADED' || state === 'ERROR') && !unload.isPending;
  const canCancel = live && state === 'LOADING' && !cancel.isPending;
  const loadError = load.error && !EXPECTED_LOAD_ENDINGS.has(easelCode(load.error) ?? '') ? load.error : null;
  const otherLoaded = state === 'LOADED' && !isCurrent && status?.modelId;

  return (
    <section className="card model-panel">
      <h2>Model</h2>
      <div className="field">
        <label htmlFor="model-select" className="visually-hidden">Model</label>
        <select id="model-select" value={selectedId} onChange={(e) => onSelect(e.target.value)} disabled={list.length === 0}>
          {list.length === 0 && <option value="">{models.isPending ? 'Loading models…' : 'No models registered'}</option>}
          {list.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} — {stateOf(m, status).toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={models.error} />

      <div className="status-line" role="status" aria-label="Model state">
        <span aria-hidden="true">State:</span> <StateBadge state={selected ? stateOf(selected, status) : 'NOT LOADED'} />
        {status && isCurrent && status.device && <span className="muted"> on {status.device}</span>}
        {status && isCurrent && <span className="muted"> since {formatTime(status.since)}</span>}
      </div>
      {otherLoaded && (
        <p className="muted small">Loading this one first unloads {status?.modelId}.</p>
      )}
      {status?.state === 'ERROR' && isCurrent && status.error && <p className="error" role="alert">{status.error}</p>}
      {status?.state === 'LOADING' && status.modelId && (
        <LoadProgress status={status} model={list.find((m) => m.id === status.modelId)} />
      )}

      <div className="actions">
        <button type="button" className="primary" disabled={!canLoad} onClick={() => load.mutate({ id: selectedId })}>
          Load
        </button>
        <button type="button" disabled={!canUnload} onClick={() => unload.mutate()}>
          {state === 'ERROR' ? 'Reset' : 'Unload'}
        </button>
        <button type="button" disabled={!canCancel} onClick={() => cancel.mutate()}>
          Cancel load
        </button>
      </div>
      {load.error && !loadError && <p className="muted small" role="status">The load was {easelCode(load.error) === 'SUPERSEDED' ? 'superseded by another' : 'cancelled'}.</p>}
      <ErrorMessage error={loadError ?? unload.error ?? cancel.error} />
    </section>
  );
}
