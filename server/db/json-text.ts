// JSON kept in text columns (portable across SQLite and PostgreSQL), parsed back with a message that names the row.
import { EaselError } from '../core/errors.js';

export function parseJsonText<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new EaselError('INTERNAL', `${where} holds invalid JSON; the database row was altered outside Easel`, { cause: error });
  }
}
