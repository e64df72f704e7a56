'use client';
// Shows whether the live status stream is connected, and the busiest resident model's state at a glance.
import { useLiveStatus } from '../_lib/live-status';
import { focusModel } from '../_lib/resident';
import { StateBadge } from './state-badge';

const LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' } as const;

export function ConnectionBadge() {
  const { connection, status, error } = useLiveStatus();
  const shown = focusModel(status);
  return (
    <div className="connection" role="status" aria-label="Server connection" title={error ?? undefined}>
      <span className={`dot dot-${connection}`} aria-hidden="true" />
      <span>{LABELS[connection]}</span>
      {shown && connection === 'live' && <StateBadge state={shown.state} compact />}
    </div>
  );
}
