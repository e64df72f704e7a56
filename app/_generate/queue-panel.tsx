'use client';
// Every running and queued job (from every tab), in the order they run: model, prompt, progress and the node
// running it, cancel.
import { useMutation } from '@tanstack/react-query';
import { ErrorMessage } from '../_components/error-message';
import { ProgressBar } from '../_components/progress-bar';
import { formatDuration } from '../_lib/format';
import { useTRPC, type ActiveJob } from '../_lib/trpc';

function phase(job: ActiveJob): string {
  if (job.status === 'queued') return `Queued, position ${job.position}`;
  // Which GPU server holds a started job: several may share one queue.
  const where = job.node ? ` on ${job.node}` : '';
  if (job.status === 'loading') {
    const part = job.loadProgress ? `: ${job.loadProgress.part} (${job.loadProgress.index + 1} of ${job.loadProgress.count})` : '';
    return `Loading the model${where}${part}`;
  }
  return `Step ${job.step} of ${job.totalSteps}${where}${job.etaMs != null ? ` · about ${formatDuration(job.etaMs)} left` : ''}`;
}

export function QueuePanel({ jobs, live, followedId, onFollow }: { jobs: ActiveJob[]; live: boolean; followedId: string | null; onFollow: (id: string) => void }) {
  const trpc = useTRPC();
  const cancel = useMutation(trpc.generate.cancel.mutationOptions());
  return (
    <section className="card queue" aria-labelledby="queue-heading">
      <h2 id="queue-heading">Queue ({jobs.length})</h2>
      {jobs.length === 0 && <p className="muted small">No job is running or waiting.</p>}
      <ol className="queue-list">
        {jobs.map((job) => (
          <li key={job.id} className={`queue-item${job.id === followedId ? ' followed' : ''}`} data-status={job.status} aria-label={`Job: ${job.prompt}`}>
            <div className="queue-head">
              <button type="button" className="link ellipsis" onClick={() => onFollow(job.id)} title={job.prompt}>
                {job.prompt}
              </button>
              <span className="muted small ellipsis model-id" title={job.modelId}>
                {job.modelId}
              </span>
            </div>
            <ProgressBar label={`Progress of “${job.prompt}”`} value={job.status === 'running' ? job.step : 0} max={job.totalSteps} text={phase(job)} />
            <button type="button" onClick={() => cancel.mutate({ id: job.id })} disabled={!live || (cancel.isPending && cancel.variables?.id === job.id)}>
              Cancel
            </button>
          </li>
        ))}
      </ol>
      <ErrorMessage error={cancel.error} />
    </section>
  );
}
