'use client';
// The history filters (model, states, reason, time range) and how they become a history.transitions input.
import { MODEL_STATES, TRANSITION_REASONS, type ModelState, type TransitionReason } from '../../_lib/lifecycle';

export interface Filters {
  modelId: string;
  from: ModelState | '';
  to: ModelState | '';
  reason: TransitionReason | '';
  /** datetime-local values in the browser's time zone; empty for open ends. */
  since: string;
  until: string;
}

export const NO_FILTERS: Filters = { modelId: '', from: '', to: '', reason: '', since: '', until: '' };

function date(value: string): Date | undefined {
  if (value === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function toQueryInput(filters: Filters) {
  return {
    modelId: filters.modelId || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
    reason: filters.reason || undefined,
    since: date(filters.since),
    until: date(filters.until),
  };
}

interface Props {
  filters: Filters;
  modelIds: string[];
  onChange: (filters: Filters) => void;
}

export function FilterBar({ filters, modelIds, onChange }: Props) {
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  const active = Object.values(filters).some((v) => v !== '');
  return (
    <fieldset className="card filters">
      <legend>Filters</legend>
      <div className="field">
        <label htmlFor="filter-model">Model</label>
        <select id="filter-model" value={filters.modelId} onChange={(e) => set({ modelId: e.target.value })}>
          <option value="">All models</option>
          {modelIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-from">From state</label>
        <select id="filter-from" value={filters.from} onChange={(e) => set({ from: e.target.value as Filters['from'] })}>
          <option value="">Any</option>
          {MODEL_STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-to">To state</label>
        <select id="filter-to" value={filters.to} onChange={(e) => set({ to: e.target.value as Filters['to'] })}>
          <option value="">Any</option>
          {MODEL_STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-reason">Reason</label>
        <select id="filter-reason" value={filters.reason} onChange={(e) => set({ reason: e.target.value as Filters['reason'] })}>
          <option value="">Any</option>
          {TRANSITION_REASONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-since">Since</label>
        <input id="filter-since" type="datetime-local" value={filters.since} onChange={(e) => set({ since: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="filter-until">Until</label>
        <input id="filter-until" type="datetime-local" value={filters.until} onChange={(e) => set({ until: e.target.value })} />
      </div>
      <div className="field filters-clear">
        <button type="button" onClick={() => onChange(NO_FILTERS)} disabled={!active}>
          Clear filters
        </button>
      </div>
    </fieldset>
  );
}
