// Validates a compatibility request body with zod; a refusal names the field, as both APIs' clients expect.
import type { z } from 'zod';
import { invalidParam } from './compat-errors.js';

export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.') || 'body';
  throw invalidParam(param, `${param}: ${issue.message}`);
}
