'use client';
// The Generate page: model on the left, prompt and parameters (kept across reloads), then the job in progress
// or the result, and the gallery. A PNG dropped anywhere on the page fills the form from its parameters.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { ResidentModels } from '../_components/resident-models';
import { useLiveJobs } from '../_lib/live-jobs';
import { useLiveStatus } from '../_lib/live-status';
import { useTRPC, type Generation } from '../_lib/trpc';
import { usePersistentForm } from './form-storage';
import { Gallery } from './gallery';
import { GenerationForm } from './generation-form';
import { JobView } from './job-view';
import { ModelPanel } from './model-panel';
import { QueuePanel } from './queue-panel';
import { toStartInput } from './params';
import { imageAsDataUrl, paramsFromPng, paramsOf } from './reuse';

const FOLLOWED_KEY = 'easel.generate.followedJob';

/**
 * The job this tab shows in detail, kept in sessionStorage: it survives a reload of this tab but is not taken by
 * other tabs, which see it in the queue panel. Each followed job holds a progress stream open, and a browser
 * allows only six connections per site across all its tabs.
 */
function useFollowedJob(): [string | null, (id: string | null) => void] {
  const [jobId, setJobId] = useState<string | null>(null);
  useEffect(() => setJobId(window.sessionStorage.getItem(FOLLOWED_KEY)), []);
  const follow = useCallback((id: string | null) => {
    setJobId(id);
    if (id) window.sessionStorage.setItem(FOLLOWED_KEY, id);
    else window.sessionStorage.removeItem(FOLLOWED_KEY);
  }, []);
  return [jobId, follow];
}

export function GeneratePage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { connection } = useLiveStatus();
  const { params, update, modelId, setModelId, restored } = usePersistentForm();
  const [jobId, setJobId] = useFollowedJob();
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const models = useQuery(trpc.models.list.queryOptions());
  const model = models.data?.find((m) => m.id === modelId);
  const start = useMutation(trpc.generate.start.mutationOptions({ onSuccess: ({ id }) => setJobId(id) }));
  const live = connection === 'live';
  const blockedBy = !live
    ? 'The server connection is lost; actions come back with it.'
    : !model
      ? 'Choose a model.'
      : start.isPending
        ? 'Sending…'
        : null;

  // Every tab lists every job (the queue panel); the job this tab followed before a reload is followed again,
  // with its model picked.
  const jobs = useLiveJobs();
  const followed = jobs.find((job) => job.id === jobId);
  const picked = useRef<string | null>(null);
  useEffect(() => {
    if (!followed || !restored || picked.current === followed.id) return;
    picked.current = followed.id;
    setModelId(followed.modelId);
  }, [followed, restored, setModelId]);

  const useAll = useCallback(
    (generation: Generation) => {
      update(paramsOf(generation));
      setModelId(generation.modelId);
      setNote({ text: `The form now holds every parameter of “${generation.prompt}” (seed ${generation.seed}).`, error: false });
    },
    [update, setModelId],
  );
  const sendToImg2Img = useCallback(
    (imageUrl: string) => {
      imageAsDataUrl(imageUrl)
        .then((image) => {
          update({ image });
          setNote({ text: 'The image is now the initial image of the next generation (image to image).', error: false });
        })
        .catch((error: unknown) => setNote({ text: error instanceof Error ? error.message : String(error), error: true }));
    },
    [update],
  );

  const jobEnded = useCallback(
    (cancelled: boolean) => {
      if (!cancelled) return;
      setJobId(null);
      setNote({ text: 'The generation was cancelled.', error: false });
    },
    [setJobId],
  );

  const dropOnPage = async (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (!file) return;
    // The sampler's label maps to its name through the list, which a page just opened may still be fetching.
    const samplerList = await queryClient.ensureQueryData(trpc.pipeline.samplers.queryOptions(undefined, { staleTime: Infinity }));
    const values = file.type === 'image/png' ? await paramsFromPng(file, samplerList) : null;
    if (!values) return setNote({ text: `${file.name} has no generation parameters to read. To use it as the initial image, drop it on “Image to image”.`, error: true });
    update(values);
    setNote({ text: `Parameters read from ${file.name}.`, error: false });
  };

  return (
    <div className="generate-layout" onDragOver={(e) => e.preventDefault()} onDrop={(e) => void dropOnPage(e)}>
      <div className="column">
        <ModelPanel selectedId={modelId} onSelect={setModelId} restored={restored} />
        <ResidentModels />
        <GenerationForm params={params} onChange={update} onSubmit={() => start.mutate(toStartInput(params, modelId))} model={model} blockedBy={blockedBy} />
        {note && (
          <p className={note.error ? 'error' : 'muted small'} role="status">
            {note.text}
          </p>
        )}
        <ErrorMessage error={start.error} />
      </div>
      <div className="column">
        <QueuePanel jobs={jobs} live={live} followedId={jobId} onFollow={setJobId} />
        {jobId ? (
          <JobView key={jobId} jobId={jobId} live={live} onUseAll={useAll} onSendToImg2Img={sendToImg2Img} onEnded={jobEnded} />
        ) : (
          <section className="card job empty" aria-label="Result">
            <p className="muted">Choose a model, write a prompt and press Generate: the model loads if it needs to. Progress and the image appear here.</p>
          </section>
        )}
        <Gallery onOpen={setJobId} currentId={jobId} onUseAll={useAll} onSendToImg2Img={sendToImg2Img} />
      </div>
    </div>
  );
}
