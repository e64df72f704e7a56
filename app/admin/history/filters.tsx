'use client';
// The history filters (model, states, reason, time range) and how they become a history.transitions input.
import { SelectField } from '../../_components/select-field';
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

/** Why the time range cannot match anything, in words shown next to it; null when it can. */
export function rangeError(filters: Filters): string | null {
  const since = date(filters.since);
  const until = date(filters.until);
  return since && until && since > until ? '“Since” is after “Until”: no transition can match. Swap them or clear one.' : null;
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
  const invalidRange = rangeError(filters);
  const rangeProps = invalidRange ? { 'aria-invalid': true, 'aria-describedby': 'filter-range-error' } : {};
  return (
    <fieldset className="card filters">
      <legend>Filters</legend>
      <SelectField id="filter-model" label="Model" value={filters.modelId} options={modelIds} emptyLabel="All models" onChange={(modelId) => set({ modelId })} />
      <SelectField id="filter-from" label="From state" value={filters.from} options={MODEL_STATES} emptyLabel="Any" onChange={(from) => set({ from })} />
      <SelectField id="filter-to" label="To state" value={filters.to} options={MODEL_STATES} emptyLabel="Any" onChange={(to) => set({ to })} />
      <SelectField id="filter-reason" label="Reason" value={filters.reason} options={TRANSITION_REASONS} emptyLabel="Any" onChange={(reason) => set({ reason })} />
      <div className="field">
        <label htmlFor="filter-since">Since</label>
        <input id="filter-since" type="datetime-local" value={filters.since} onChange={(e) => set({ since: e.target.value })} {...rangeProps} />
      </div>
      <div className="field">
        <label htmlFor="filter-until">Until</label>
        <input id="filter-until" type="datetime-local" value={filters.until} onChange={(e) => set({ until: e.target.value })} {...rangeProps} />
      </div>
      {invalidRange && (
        <p id="filter-range-error" className="field-error filters-error" role="alert">
          {invalidRange}
        </p>
      )}
      <div className="field filters-clear">
        <button type="button" onClick={() => onChange(NO_FILTERS)} disabled={!active}>
          Clear filters
        </button>
      </div>
    </fieldset>
  );
}
