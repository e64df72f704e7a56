'use client';
// Picks a model and loads, unloads or cancels it. Buttons are enabled only when the action is legal in the
// live state; every model's state and the part-by-part load progress come from the status stream, so all tabs
// show the same picture (a load started in another tab included).
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, type Dispatch, type SetStateAction } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { ProgressBar } from '../_components/progress-bar';
import { StateBadge } from '../_components/state-badge';
import { easelCode } from '../_lib/errors';
import { formatTime } from '../_lib/format';
import { useLiveStatus } from '../_lib/live-status';
import { focusModel, residentOf, stateOf, type Resident } from '../_lib/resident';
import { useTRPC, type ModelRecord } from '../_lib/trpc';
import { adminOnlyReason, useRole } from '../_lib/role';

/**
 * A load that was cancelled or superseded on purpose is not a failure worth an alert; a failed load is shown once,
 * by the model's ERROR state (which Reset clears), not a second time as the mutation's error.
 */
const EXPECTED_LOAD_ENDINGS = new Set(['CANCELLED', 'SUPERSEDED', 'LOAD_FAILED']);

function LoadProgress({ resident, model }: { resident: Resident; model: ModelRecord | undefined }) {
  const progress = resident.loadProgress;
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

export function ModelPanel({ selectedId, onSelect, restored }: { selectedId: string; onSelect: Dispatch<SetStateAction<string>>; restored: boolean }) {
  const trpc = useTRPC();
  const adminOnly = adminOnlyReason(useRole().role);
  const { status, connection } = useLiveStatus();
  const models = useQuery(trpc.models.list.queryOptions());
  const load = useMutation(trpc.models.load.mutationOptions());
  const unload = useMutation(trpc.models.unload.mutationOptions());
  const cancel = useMutation(trpc.models.cancel.mutationOptions());

  const list = models.data ?? [];
  const selected = list.find((m) => m.id === selectedId);
  // Nothing chosen yet (or the choice was removed): follow the server, the model being loaded or in use first.
  const focus = focusModel(status)?.modelId;
  useEffect(() => {
    if (list.length === 0 || selected || !restored) return;
    const fallback = focus && list.some((m) => m.id === focus) ? focus : list[0]!.id;
    // As an update of the current choice: a model picked in the meantime (before this effect ran) is kept.
    onSelect((current) => (list.some((m) => m.id === current) ? current : fallback));
  }, [list, selected, focus, onSelect, restored]);

  const live = connection === 'live' && status !== undefined;
  const resident = residentOf(status, selectedId);
  const state = resident?.state;
  const canLoad = live && selected !== undefined && state !== 'UNLOADING' && state !== 'LOADING' && state !== 'LOADED' && adminOnly === null;
  const canUnload = live && (state === 'LOADED' || state === 'ERROR') && !unload.isPending && adminOnly === null;
  const canCancel = live && state === 'LOADING' && !cancel.isPending && adminOnly === null;
  const loadError = load.error && !EXPECTED_LOAD_ENDINGS.has(easelCode(load.error) ?? '') ? load.error : null;
  const loadingElsewhere = (status?.models ?? []).filter((m) => m.state === 'LOADING' && m.modelId !== selectedId);

  return (
    <section className="card model-panel">
      <h2>Model</h2>
      <div className="field">
        <label htmlFor="model-select" className="visually-hidden">Model</label>
        <select id="model-select" value={selectedId} onChange={(e) => onSelect(e.target.value)} disabled={list.length === 0} title={selected ? `${selected.name} (${selected.id})` : undefined}>
          {list.length === 0 && <option value="">{models.isPending ? 'Loading models…' : 'No models registered'}</option>}
          {list.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} — {stateOf(status, m.id).toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={models.error} />

      <div className="status-line" role="status" aria-label="Model state">
        <span aria-hidden="true">State:</span> <StateBadge state={selected ? stateOf(status, selected.id) : 'NOT LOADED'} />
        {resident?.device && <span className="muted"> on {resident.device}</span>}
        {resident && <span className="muted"> since {formatTime(resident.since)}</span>}
      </div>
      {loadingElsewhere.map((m) => (
        <p key={m.modelId} className="muted small ellipsis" title={m.modelId} role="status">
          Loading {m.modelId}…
        </p>
      ))}
      {resident?.state === 'ERROR' && resident.error && <p className="error" role="alert">{resident.error}</p>}
      {resident?.state === 'LOADING' && <LoadProgress resident={resident} model={selected} />}

      <div className="actions">
        <button type="button" className="primary" disabled={!canLoad} onClick={() => load.mutate({ id: selectedId })}>
          Load
        </button>
        <button
          type="button"
          disabled={!canUnload}
          onClick={() => {
            load.reset();
            unload.mutate({ id: selectedId });
          }}
        >
          {state === 'ERROR' ? 'Reset' : 'Unload'}
        </button>
        <button type="button" disabled={!canCancel} onClick={() => cancel.mutate({ id: selectedId })}>
          Cancel load
        </button>
      </div>
      {adminOnly && (
        <p className="muted small" role="note">
          Load, Unload and Cancel: {adminOnly}.
        </p>
      )}
      {load.error && !loadError && easelCode(load.error) !== 'LOAD_FAILED' && (
        <p className="muted small" role="status">The load was {easelCode(load.error) === 'SUPERSEDED' ? 'superseded by another' : 'cancelled'}.</p>
      )}
      <ErrorMessage error={loadError ?? unload.error ?? cancel.error} />
    </section>
  );
}
