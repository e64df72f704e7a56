'use client';
// One registered model: what it is (size on disk, sample size, tensor dtypes), how it has been used (load
// count, last loaded, device) and removal, which is refused while the model is in use.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { StateBadge } from '../_components/state-badge';
import { formatBytes } from '../../client/format-bytes';
import { formatTime } from '../_lib/format';
import { useLiveStatus } from '../_lib/live-status';
import { residentOf } from '../_lib/resident';
import { useTRPC, type ModelRecord } from '../_lib/trpc';
import { adminOnlyReason, useRole } from '../_lib/role';

const IN_USE = new Set(['LOADING', 'LOADED', 'UNLOADING']);

function TensorTable({ model }: { model: ModelRecord }) {
  return (
    <table className="tensors">
      <caption className="visually-hidden">Tensors of {model.name}</caption>
      <thead>
        <tr>
          <th scope="col">Part</th>
          <th scope="col">Inputs</th>
          <th scope="col">Outputs</th>
        </tr>
      </thead>
      <tbody>
        {model.description.parts.map((part) => (
          <tr key={part.part}>
            <th scope="row">{part.part}</th>
            <td>{part.inputs.map((t) => `${t.name}: ${t.type}`).join(', ')}</td>
            <td>{part.outputs.map((t) => `${t.name}: ${t.type}`).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ModelCard({ model }: { model: ModelRecord }) {
  const trpc = useTRPC();
  const adminOnly = adminOnlyReason(useRole().role);
  const queryClient = useQueryClient();
  const { status } = useLiveStatus();
  const [confirming, setConfirming] = useState(false);
  const samplers = useQuery(trpc.pipeline.samplers.queryOptions(undefined, { staleTime: Infinity }));
  const samplerLabel = samplers.data?.find((s) => s.name === model.defaultSampler)?.label ?? model.defaultSampler;
  const remove = useMutation(trpc.models.remove.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.models.pathFilter()) }));

  const resident = residentOf(status, model.id);
  const state = resident?.state ?? 'NOT LOADED';
  const inUse = IN_USE.has(state);
  const pixels = model.sampleSize * model.description.vaeScaleFactor;
  const dtypes = [...new Set(model.description.parts.flatMap((p) => [...p.inputs, ...p.outputs].map((t) => t.type)))].join(', ');
  const headingId = `model-${model.id}`;

  return (
    <article className="card model-card" aria-labelledby={headingId}>
      <header className="model-card-head">
        <h2 id={headingId} className="ellipsis" title={model.name}>
          {model.name}
        </h2>
        <StateBadge state={state} />
      </header>
      <dl className="details">
        <div><dt>Id</dt><dd className="ellipsis" title={model.id}><code>{model.id}</code></dd></div>
        <div><dt>Folder</dt><dd><code className="path">{model.path}</code></dd></div>
        <div><dt>Size on disk</dt><dd>{formatBytes(model.sizeBytes)}</dd></div>
        <div><dt>Sample size</dt><dd>{model.sampleSize} latent ({pixels} × {pixels} px)</dd></div>
        <div><dt>Tensor dtypes</dt><dd>{dtypes || '—'}</dd></div>
        <div><dt>Default sampler</dt><dd>{samplerLabel ?? '—'}</dd></div>
        <div><dt>Load count</dt><dd>{model.loadCount}</dd></div>
        <div><dt>Last loaded</dt><dd>{formatTime(model.lastLoadedAt)}</dd></div>
        <div><dt>Device</dt><dd>{resident?.device ?? 'not loaded'}</dd></div>
        <div><dt>Registered</dt><dd>{formatTime(model.createdAt)}</dd></div>
      </dl>
      <details>
        <summary>Tensors</summary>
        <TensorTable model={model} />
      </details>
      <div className="actions">
        {!confirming ? (
          <button type="button" className="danger" disabled={inUse || adminOnly !== null} title={adminOnly ?? undefined} onClick={() => setConfirming(true)} aria-label={`Remove ${model.name}`}>
            Remove
          </button>
        ) : (
          <>
            <button type="button" className="danger" onClick={() => remove.mutate({ id: model.id })} disabled={remove.isPending || inUse}>
              Remove {model.name} from the registry
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        )}
        {inUse && <span className="hint">Unload it before removing it.</span>}
      </div>
      <ErrorMessage error={remove.error} />
    </article>
  );
}
