// A lifecycle state as a coloured pill (the word is always shown; colour only repeats it).
import type { ModelStatus } from '../_lib/trpc';

export function StateBadge({ state, compact = false }: { state: ModelStatus['state'] | 'NOT LOADED'; compact?: boolean }) {
  const key = state === 'NOT LOADED' ? 'none' : state.toLowerCase();
  return <span className={`state state-${key}${compact ? ' state-compact' : ''}`}>{state}</span>;
}
