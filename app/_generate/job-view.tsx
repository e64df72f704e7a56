'use client';
// Follows one generation live (queue position, step, ETA, previews at the image's size), cancels it, and shows
// the finished image with its parameters, "use all parameters", "send to img2img" and a download link.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { ProgressBar } from '../_components/progress-bar';
import { formatDuration } from '../_lib/format';
import { useTRPC, type Generation, type JobEvent } from '../_lib/trpc';

function isUnfinished(event: JobEvent): event is Extract<JobEvent, { status: 'queued' | 'loading' | 'running' }> {
  return event.status === 'queued' || event.status === 'loading' || event.status === 'running';
}

export interface ResultActions {
  onUseAll: (generation: Generation) => void;
  onSendToImg2Img: (imageUrl: string) => void;
}

/** What every finished image offers: its parameters back into the form, itself as an initial image, a download;
 * `children` (more actions of the place showing it) go before the download. */
export function ResultButtons({ generation, onUseAll, onSendToImg2Img, children }: { generation: Generation; children?: ReactNode } & ResultActions) {
  return (
    <>
      <button type="button" onClick={() => onUseAll(generation)}>
        Use all parameters
      </button>
      {generation.imageUrl && (
        <button type="button" onClick={() => onSendToImg2Img(generation.imageUrl!)}>
          Send to img2img
        </button>
      )}
      {children}
      {generation.imageUrl && (
        <a className="button" href={generation.imageUrl} download={`easel-${generation.seed}.png`}>
          Download
        </a>
      )}
    </>
  );
}

function ResultDetails({ generation, onUseAll, onSendToImg2Img }: { generation: Generation } & ResultActions) {
  const trpc = useTRPC();
  const samplers = useQuery(trpc.pipeline.samplers.queryOptions(undefined, { staleTime: Infinity }));
  const samplerLabel = samplers.data?.find((s) => s.name === generation.sampler)?.label ?? generation.sampler;
  const rows: Array<[string, string]> = [
    ['Prompt', generation.prompt],
    ['Negative prompt', generation.negativePrompt || '—'],
    ['Model', generation.modelId],
    ['Sampler', samplerLabel],
    ['Steps', String(generation.steps)],
    ['Guidance', String(generation.guidance)],
    ['Seed', String(generation.seed)],
    ['Size', `${generation.width} × ${generation.height}`],
    ['Time', generation.runMs === null ? formatDuration(generation.durationMs) : `${formatDuration(generation.durationMs)} (onnxruntime ${formatDuration(generation.runMs)})`],
    // Which GPU server ran it, for a UI that serves several; jobs recorded before nodes were named have none.
    ...(generation.node === null ? [] : [['Node', generation.node] as [string, string]]),
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
        <ResultButtons generation={generation} onUseAll={onUseAll} onSendToImg2Img={onSendToImg2Img} />
      </div>
    </>
  );
}

interface JobViewProps extends ResultActions {
  jobId: string;
  /** The server connection is up: Cancel is offered only then. */
  live: boolean;
  /** Called once the job has ended; a cancelled job is not a result. */
  onEnded: (cancelled: boolean) => void;
}

export function JobView({ jobId, live, onUseAll, onSendToImg2Img, onEnded }: JobViewProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [event, setEvent] = useState<JobEvent | undefined>(undefined);
  const [preview, setPreview] = useState<string | undefined>(undefined);
  const ended = event !== undefined && !isUnfinished(event);

  useSubscription(
    trpc.generate.onProgress.subscriptionOptions(
      { id: jobId },
      {
        enabled: !ended,
        onData(next) {
          setEvent(next);
          if (next.status === 'running' && next.previewPng) setPreview(next.previewPng);
          if (!isUnfinished(next)) void queryClient.invalidateQueries(trpc.history.generations.pathFilter());
        },
      },
    ),
  );
  // Asked at once (its size scales the previews) and again when the job ends (its duration, seed, image); the
  // record may lag the final event by a moment, so it is asked again until it agrees.
  const finalStatus = ended ? event.status : undefined;
  const generation = useQuery(
    trpc.generate.get.queryOptions(
      { id: jobId },
      { refetchInterval: (query) => (finalStatus !== undefined && query.state.data?.status !== finalStatus ? 300 : false) },
    ),
  );
  const refetch = generation.refetch;
  useEffect(() => {
    if (ended) void refetch();
  }, [ended, refetch]);
  const cancel = useMutation(trpc.generate.cancel.mutationOptions());
  const cancelled = event?.status === 'cancelled';
  useEffect(() => {
    if (ended) onEnded(cancelled);
  }, [ended, cancelled, onEnded]);

  const active = event && isUnfinished(event) ? event : undefined;
  const running = event?.status === 'running' ? event : undefined;
  const imageUrl = event?.status === 'done' ? event.imageUrl : undefined;
  return (
    <section className="card job" aria-labelledby="result-heading">
      <h2 id="result-heading">{event?.status === 'done' ? 'Result' : event?.status === 'failed' ? 'Failed' : cancelled ? 'Cancelled' : 'Generating'}</h2>
      <div aria-live="polite" className="job-status">
        {event === undefined && <p className="muted">Starting…</p>}
        {event?.status === 'queued' && <p>Waiting in the queue (position {event.position}).</p>}
        {event?.status === 'loading' && (
          <p>
            Loading the model {event.modelId}
            {event.loadProgress ? ` (${event.loadProgress.part}, part ${event.loadProgress.index + 1} of ${event.loadProgress.count})` : ''}
            {event.waitingFor ? `, waiting for ${event.waitingFor}` : ''}…
          </p>
        )}
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
            <button type="button" onClick={() => cancel.mutate({ id: jobId })} disabled={cancel.isPending || !live}>
              Cancel generation
            </button>
          </div>
        </>
      )}
      <ErrorMessage error={cancel.error ?? generation.error} />
      {!ended && preview && (
        <figure className="image-frame">
          <img
            src={preview}
            alt="Preview of the image being generated"
            className="preview"
            width={generation.data?.width}
            height={generation.data?.height}
          />
          <figcaption className="muted small">Preview</figcaption>
        </figure>
      )}
      {imageUrl && (
        <figure className="image-frame">
          <img src={imageUrl} alt={`Generated image: ${generation.data?.prompt ?? ''}`} />
        </figure>
      )}
      {event?.status === 'done' && generation.data?.status === 'done' && (
        <ResultDetails generation={generation.data} onUseAll={onUseAll} onSendToImg2Img={onSendToImg2Img} />
      )}
    </section>
  );
}
