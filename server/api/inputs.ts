// zod schemas shared by several procedures; bounds keep oversized input out before any work is done.
import { z } from 'zod';
import { MODEL_STATES, TRANSITION_REASONS } from '../core/lifecycle/transitions.js';
import { parseKeepAlive } from '../core/keep-alive.js';

export const modelIdInput = z
  .string()
  .min(1, 'a model id is required')
  .max(64, 'model ids are at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'model ids use lower-case letters, digits, ".", "_" and "-"');

export const stateInput = z.enum(MODEL_STATES);
export const reasonInput = z.enum(TRANSITION_REASONS);

/** keepAlive: a duration ("10m", "1h30m"), a number of seconds, 0 (unload after the last job) or -1 (never). */
export const keepAliveInput = z.union([z.string().max(32), z.number()]).transform((value, ctx) => {
  try {
    return parseKeepAlive(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** A node's name as EASEL_NODE_NAME allows it. */
export const nodeNameInput = z.string().regex(/^[\w.:@\[\]-]{1,128}$/, 'a node name has letters, digits and . _ : @ - (at most 128)');
