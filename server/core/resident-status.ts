// One resident model as models.status shows it: state, device, memory and where the figure comes from,
// keep-alive and when it runs out, job counts, load progress and error.
import type { ResidentStatus } from './model-cache-types.js';
import type { ResidentModel } from './resident-model.js';
import { expiresAt } from './residency-policy.js';

export function residentStatusOf(resident: ResidentModel, counts: { running: number; queued: number; pinning: number }): ResidentStatus {
  const snapshot = resident.machine.snapshot();
  const deadline = expiresAt(resident.view(counts));
  const status: ResidentStatus = {
    modelId: resident.modelId,
    state: snapshot.state,
    device: snapshot.device,
    since: snapshot.since,
    // A model in ERROR has no runner left: it holds nothing.
    memoryBytes: snapshot.state === 'ERROR' ? 0 : (resident.memory?.bytes ?? 0),
    memorySource: resident.memory?.source ?? 'estimated',
    keepAlive: resident.keepAlive.seconds,
    expiresAt: deadline === null ? null : new Date(deadline),
    jobs: { running: counts.running, queued: counts.queued },
  };
  if (snapshot.loadProgress) status.loadProgress = snapshot.loadProgress;
  if (snapshot.error) status.error = snapshot.error;
  return status;
}
