'use client';
// Shows whether the live status stream is connected, and the loaded model's state at a glance.
import { useLiveStatus } from '../_lib/live-status';
import { StateBadge } from './state-badge';

const LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' } as const;

export function ConnectionBadge() {
  const { connection, status, error } = useLiveStatus();
  return (
    <div className="connection" role="status" aria-label="Server connection" title={error ?? undefined}>
      <span className={`dot dot-${connection}`} aria-hidden="true" />
      <span>{LABELS[connection]}</span>
      {status && connection === 'live' && <StateBadge state={status.state} compact />}
    </div>
  );
}
