// Where the CLI writes: results to stdout (tables for people, one JSON document with --json), progress and
// notes to stderr; plus the few formats results share (sizes, durations, times).

export interface Output {
  readonly json: boolean;
  /** stderr is a terminal: progress bars may redraw a line. */
  readonly interactive: boolean;
  /** The command's result: `json` as one JSON document with --json, else the `text` lines. */
  result(json: unknown, text: () => string | string[]): void;
  /** One item of a stream (`status --watch`): a JSON line with --json, else the text line. */
  item(json: unknown, text: string): void;
  /** A progress or status note on stderr (not with --json). */
  note(line: string): void;
  readonly stderr: NodeJS.WriteStream;
}

export function createOutput(json: boolean, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  return {
    json,
    interactive: stderr.isTTY === true,
    stderr,
    result(value, text) {
      if (json) {
        stdout.write(`${JSON.stringify(value, null, 2)}\n`);
        return;
      }
      const lines = text();
      const body = Array.isArray(lines) ? lines.join('\n') : lines;
      if (body) stdout.write(`${body}\n`);
    },
    item(value, text) {
      stdout.write(`${json ? JSON.stringify(value) : text}\n`);
    },
    note(line) {
      if (!json) stderr.write(`${line}\n`);
    },
  };
}

/** Left-aligned columns separated by two spaces; the header is the first row. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Local time, to the second: `2025-01-31 14:05:09`. */
export function formatTime(date: Date | null | undefined): string {
  if (!date) return '-';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** At most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
