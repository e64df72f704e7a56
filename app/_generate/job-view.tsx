'use client';
// Follows one generation live (queue position, step, ETA, previews), cancels it, and shows the finished image
// with its parameters, a "reuse seed" action and a download link.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { ProgressBar } from '../_components/progress-bar';
import { formatDuration } from '../_lib/format';
import { useTRPC, type Generation, type JobEvent } from '../_lib/trpc';

function ResultDetails({ generation, onReuseSeed }: { generation: Generation; onReuseSeed: (seed: number) => void }) {
  const rows: Array<[string, string]> = [
    ['Prompt', generation.prompt],
    ['Negative prompt', generation.negativePrompt || '—'],
    ['Model', generation.modelId],
    ['Sampler', generation.sampler],
    ['Steps', String(generation.steps)],
    ['Guidance', String(generation.guidance)],
    ['Seed', String(generation.seed)],
    ['Size', `${generation.width} × ${generation.height}`],
    ['Time', generation.runMs === null ? formatDuration(generation.durationMs) : `${formatDuration(generation.durationMs)} (onnxruntime ${formatDuration(generation.runMs)})`],
  ];
  return (
    <>
      <dl className="details">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="actions">
        <button type="button" onClick={() => onReuseSeed(generation.seed)}>
          Reuse seed
        </button>
        {generation.imageUrl && (
          <a className="button" href={generation.imageUrl} download={`easel-${generation.seed}.png`}>
            Download
          </a>
        )}
      </div>
    </>
  );
}

export function JobView({ jobId, onReuseSeed }: { jobId: string; onReuseSeed: (seed: number) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [event, setEvent] = useState<JobEvent | undefined>(undefined);
  const [preview, setPreview] = useState<string | undefined>(undefined);
  const ended = event !== undefined && event.status !== 'queued' && event.status !== 'running';

  useSubscription(
    trpc.generate.onProgress.subscriptionOptions(
      { id: jobId },
      {
        enabled: !ended,
        onData(next) {
          setEvent(next);
          if (next.status === 'running' && next.previewPng) setPreview(next.previewPng);
          if (next.status !== 'queued' && next.status !== 'running') void queryClient.invalidateQueries(trpc.history.generations.pathFilter());
        },
      },
    ),
  );
  const generation = useQuery(trpc.generate.get.queryOptions({ id: jobId }, { enabled: ended }));
  const cancel = useMutation(trpc.generate.cancel.mutationOptions());

  const active = event?.status === 'queued' || event?.status === 'running' ? event : undefined;
  const running = event?.status === 'running' ? event : undefined;
  const imageUrl = event?.status === 'done' ? event.imageUrl : undefined;
  return (
    <section className="card job" aria-labelledby="result-heading">
      <h2 id="result-heading">{ended ? 'Result' : 'Generating'}</h2>
      <div aria-live="polite" className="job-status">
        {event === undefined && <p className="muted">Starting…</p>}
        {event?.status === 'queued' && <p>Waiting in the queue (position {event.position}).</p>}
        {event?.status === 'cancelled' && <p role="status">Generation cancelled: {event.error.message}</p>}
      </div>
      {event?.status === 'failed' && <p className="error" role="alert">Generation failed: {event.error.message}</p>}
      {active && (
        <>
          <ProgressBar
            label="Generation progress"
            value={running?.step ?? 0}
            max={active.totalSteps}
            text={`Step ${running?.step ?? 0} of ${active.totalSteps}${running?.etaMs != null ? ` · about ${formatDuration(running.etaMs)} left` : ''}`}
          />
          <div className="actions">
            <button type="button" onClick={() => cancel.mutate({ id: jobId })} disabled={cancel.isPending}>
              Cancel generation
            </button>
          </div>
        </>
      )}
      <ErrorMessage error={cancel.error ?? generation.error} />
      {!ended && preview && (
        <figure className="image-frame">
          <img src={preview} alt="Preview of the image being generated" />
          <figcaption className="muted small">Preview</figcaption>
        </figure>
      )}
      {imageUrl && (
        <figure className="image-frame">
          <img src={imageUrl} alt={`Generated image: ${generation.data?.prompt ?? ''}`} />
        </figure>
      )}
      {event?.status === 'done' && generation.data && <ResultDetails generation={generation.data} onReuseSeed={onReuseSeed} />}
    </section>
  );
}
