// Progress on stderr: a bar redrawn in place on a terminal; elsewhere (pipes, logs, tests) a plain line at
// each milestone instead, and nothing at all with --json.
import type { Output } from './output.js';

const BAR_WIDTH = 20;

export interface Progress {
  /** Redraws the bar (terminal only). */
  update(fraction: number, detail: string): void;
  /** A milestone as a line of its own (only where there is no bar). */
  log(line: string): void;
  /** Replaces the bar with a final line, or prints it. */
  done(line: string): void;
  /** Removes the bar, leaving the line empty for what comes next. */
  clear(): void;
}

export function createProgress(out: Output, label: string): Progress {
  const stream = out.stderr;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  if (!out.interactive) {
    return { update: () => undefined, log: (line) => out.note(line), done: (line) => out.note(line), clear: () => undefined };
  }
  return {
    update(fraction, detail) {
      const f = Math.min(1, Math.max(0, fraction));
      const filled = Math.round(f * BAR_WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
      const text = `${label} ${bar} ${String(Math.round(f * 100)).padStart(3)}% ${detail}`;
      const columns = stream.columns ?? 80;
      stream.write(`\r\x1b[2K${text.length >= columns ? text.slice(0, columns - 1) : text}`);
      drawn = true;
    },
    log: () => undefined,
    done(line) {
      clear();
      stream.write(`${line}\n`);
    },
    clear,
  };
}
