// Page size rules and the page shape shared by the history and generation listings.
import { EaselError } from '../core/errors.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export interface Page<T, C> {
  items: T[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: C | null;
}

export function pageLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new EaselError('INVALID_INPUT', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}`);
  }
  return value;
}

/** `rows` was fetched with limit + 1 so that a further page shows itself without a count query. */
export function toPage<R, T, C>(rows: readonly R[], limit: number, convert: (row: R) => T, cursorOf: (row: R) => C): Page<T, C> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(convert), nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
