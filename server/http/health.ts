// /healthz: whether the server is serving normally, each non-idle model's state, and, when something is wrong
// that the server works around (an audit log it can't write), the cause.
import type { Services } from '../api/services.js';

export interface Health {
  ok: boolean;
  /** Why the server is degraded; absent when it isn't. */
  degraded?: string;
  models: Array<{ modelId: string; state: string }>;
}

export function healthOf(services: Pick<Services, 'manager'>): Health {
  const { degraded, pending } = services.manager.health();
  const health: Health = { ok: degraded === null, models: services.manager.status().models.map(({ modelId, state }) => ({ modelId, state })) };
  if (degraded !== null) health.degraded = pending > 0 ? `${degraded} (${pending} transition rows waiting to be written)` : degraded;
  return health;
}
