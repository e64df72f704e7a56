// zod schemas shared by several procedures; bounds keep oversized input out before any work is done.
import { z } from 'zod';
import { MODEL_STATES, TRANSITION_REASONS } from '../core/lifecycle/transitions.js';

export const modelIdInput = z
  .string()
  .min(1, 'a model id is required')
  .max(64, 'model ids are at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'model ids use lower-case letters, digits, ".", "_" and "-"');

export const stateInput = z.enum(MODEL_STATES);
export const reasonInput = z.enum(TRANSITION_REASONS);
