// Writes transitions as CSV (RFC 4180 quoting) and hands the file to the browser as a download.
import type { Transition } from '../../_lib/trpc';

const COLUMNS = ['id', 'time', 'model', 'from', 'to', 'reason', 'actor', 'request_id', 'duration_ms', 'error', 'node'] as const;

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function transitionsCsv(rows: readonly Transition[]): string {
  const lines = rows.map((r) =>
    [r.id, r.at.toISOString(), r.modelId, r.from, r.to, r.reason, r.actor, r.requestId, r.durationMs, r.error, r.node].map(cell).join(','),
  );
  return [COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}

export function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
