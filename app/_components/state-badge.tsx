// A lifecycle state as a coloured pill (the word is always shown; colour only repeats it).
import type { DisplayState } from '../_lib/resident';

export function StateBadge({ state, compact = false }: { state: DisplayState; compact?: boolean }) {
  const key = state === 'NOT LOADED' ? 'none' : state.toLowerCase();
  return <span className={`state state-${key}${compact ? ' state-compact' : ''}`}>{state}</span>;
}
