// The benchmark's result rows and their rendering as a Markdown table (metric | value | target | met?), which
// reads as well in a terminal as in the README.

export type Unit = 'ratio' | 'ms' | 'MB' | '%' | 'img/min' | 'req/s';

export interface Target {
  /** The value must be at most (≤) or at least (≥) the limit, or within ± the limit of zero (a signed error). */
  op: '<=' | '>=' | 'within';
  limit: number;
}

export interface ResultRow {
  metric: string;
  /** null when the measurement could not be taken; `note` then says why. */
  value: number | null;
  unit: Unit;
  target?: Target;
  note?: string;
}

export function meetsTarget(value: number | null, target: Target | undefined): boolean | undefined {
  if (!target) return undefined;
  if (value === null || Number.isNaN(value)) return false;
  if (target.op === 'within') return Math.abs(value) <= target.limit;
  return target.op === '<=' ? value <= target.limit : value >= target.limit;
}

const DIGITS: Record<Exclude<Unit, 'ms'>, number> = { ratio: 2, MB: 0, '%': 1, 'img/min': 1, 'req/s': 0 };

/** Sub-millisecond figures (CPU per request) keep two decimals; long ones none. */
function msDigits(value: number): number {
  const size = Math.abs(value);
  return size < 1 ? 2 : size < 100 ? 1 : 0;
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  const digits = unit === 'ms' ? msDigits(value) : DIGITS[unit];
  // toFixed keeps the sign of a negative value that rounds to zero ("-0.0"), which reads as a drift.
  const number = Number(value.toFixed(digits)) === 0 ? (0).toFixed(digits) : value.toFixed(digits);
  if (unit === 'ratio') return `${number}×`;
  if (unit === '%') return `${Number(number) > 0 ? '+' : ''}${number} %`;
  return `${number} ${unit}`;
}

export function formatTarget(target: Target | undefined, unit: Unit): string {
  if (!target) return '—';
  if (target.op === 'within') return `within ±${unit === '%' ? `${target.limit} %` : formatValue(target.limit, unit)}`;
  const symbol = target.op === '<=' ? '≤' : '≥';
  const limit = unit === '%' ? `${target.limit} %` : formatValue(target.limit, unit);
  return `${symbol} ${limit}`;
}

function metLabel(row: ResultRow): string {
  const met = meetsTarget(row.value, row.target);
  if (met === undefined) return '—';
  return met ? 'yes' : 'NO';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderTable(rows: readonly ResultRow[]): string {
  const lines = ['| metric | value | target | met? |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const value = formatValue(row.value, row.unit) + (row.note ? ` (${row.note})` : '');
    const cells = [row.metric, value, formatTarget(row.target, row.unit), metLabel(row)];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
  }
  return lines.join('\n');
}
