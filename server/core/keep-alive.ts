// Keep-alive values: how long an idle resident model stays loaded. Parsed once from what clients and the
// environment send ("10m", "1h30m", a number of seconds, 0, -1) into whole seconds, and capped.
import { EaselError } from './errors.js';

/** Never expires (still evicted under memory pressure, last). */
export const KEEP_FOREVER = -1;
/** Unload once the model's last job ends. */
const KEEP_UNTIL_IDLE = 0;

/** Longest keep-alive anyone may ask for other than -1: 10 years, so deadlines stay far inside Date's range. */
const MAX_SECONDS = 10 * 365 * 24 * 3600;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * A keep-alive in seconds: -1, 0 or a positive whole number of seconds (a fraction rounds up, so "500ms" keeps a
 * model for a second rather than not at all). Throws INVALID_INPUT naming `what` for anything else.
 */
export function parseKeepAlive(value: string | number, what = 'keepAlive'): number {
  if (typeof value === 'number') return checkedSeconds(value, value, what);
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return checkedSeconds(Number(text), value, what);
  if (!DURATION.test(text)) {
    throw new EaselError('INVALID_INPUT', `${what} "${value}" is not a duration: use e.g. "10m", "1h30m", "45s", a number of seconds, 0 (unload after the last job) or -1 (never expire)`);
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  return checkedSeconds(Math.ceil(seconds), value, what);
}

function checkedSeconds(seconds: number, original: string | number, what: string): number {
  if (seconds === KEEP_FOREVER || seconds === KEEP_UNTIL_IDLE) return seconds;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SECONDS) {
    throw new EaselError('INVALID_INPUT', `${what} ${JSON.stringify(original)} is out of range: use -1, 0 or a duration of at most 10 years (${MAX_SECONDS} s)`);
  }
  return seconds;
}

/** What a client asked for, limited by EASEL_KEEP_ALIVE_MAX (-1 counts as longer than any cap). */
export function capKeepAlive(seconds: number, maxSeconds: number | null): number {
  if (maxSeconds === null || maxSeconds === KEEP_FOREVER) return seconds;
  if (seconds === KEEP_FOREVER) return maxSeconds;
  return Math.min(seconds, maxSeconds);
}

/** "10m", "1h30m", "never", "after the last job": for logs, the CLI and the UI. */
export function formatKeepAlive(seconds: number): string {
  if (seconds === KEEP_FOREVER) return 'never';
  if (seconds === KEEP_UNTIL_IDLE) return 'after the last job';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

/** -1 (forever) is longer than any duration. */
function longer(a: number, b: number): boolean {
  if (b === KEEP_FOREVER) return false;
  return a === KEEP_FOREVER || a > b;
}

export type KeepAliveSetter = 'admin' | 'user' | 'local' | 'default';

/**
 * A model's keep-alive after a request for it: capped by EASEL_KEEP_ALIVE_MAX for everyone but admins, and a user
 * may lengthen, never shorten, a keep-alive that an admin (or the server's default) set.
 */
export function mergeKeepAlive(
  current: { seconds: number; setBy: KeepAliveSetter },
  request: { seconds: number; role: Exclude<KeepAliveSetter, 'default'> },
  maxSeconds: number | null,
): { seconds: number; setBy: KeepAliveSetter } {
  const capped = request.role === 'admin' ? request.seconds : capKeepAlive(request.seconds, maxSeconds);
  if (request.role === 'user' && current.setBy !== 'user' && !longer(capped, current.seconds)) return current;
  return { seconds: capped, setBy: request.role };
}
