'use client';
// The Generate page: model on the left, prompt and parameters, then the job in progress or the result, and
// the gallery of recent images.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { useLiveStatus } from '../_lib/live-status';
import { useTRPC } from '../_lib/trpc';
import { Gallery } from './gallery';
import { GenerationForm } from './generation-form';
import { JobView } from './job-view';
import { ModelPanel } from './model-panel';
import { DEFAULT_PARAMS, toStartInput, type GenerationParams } from './params';

export function GeneratePage() {
  const trpc = useTRPC();
  const { status } = useLiveStatus();
  const [modelId, setModelId] = useState('');
  const [params, setParams] = useState<GenerationParams>(DEFAULT_PARAMS);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation(trpc.generate.start.mutationOptions({ onSuccess: ({ id }) => setJobId(id) }));
  const loaded = status?.state === 'LOADED';

  // A job still running from before a reload (or from another tab) is picked up again.
  const running = useQuery(trpc.history.generations.queryOptions({ status: 'running', limit: 1 }, { enabled: jobId === null && loaded }));
  const resumable = running.data?.items[0]?.id;
  useEffect(() => {
    if (resumable && jobId === null) setJobId(resumable);
  }, [resumable, jobId]);

  const update = useCallback((change: Partial<GenerationParams>) => setParams((p) => ({ ...p, ...change })), []);
  const reuseSeed = useCallback((seed: number) => update({ seed: String(seed) }), [update]);

  return (
    <div className="generate-layout">
      <div className="column">
        <ModelPanel selectedId={modelId} onSelect={setModelId} />
        <GenerationForm params={params} onChange={update} onSubmit={() => start.mutate(toStartInput(params))} loaded={loaded} busy={start.isPending} />
        <ErrorMessage error={start.error} />
      </div>
      <div className="column">
        {jobId ? (
          <JobView key={jobId} jobId={jobId} onReuseSeed={reuseSeed} />
        ) : (
          <section className="card job empty" aria-label="Result">
            <p className="muted">Load a model, write a prompt and press Generate. Progress and the image appear here.</p>
          </section>
        )}
        <Gallery onOpen={setJobId} currentId={jobId} />
      </div>
    </div>
  );
}
