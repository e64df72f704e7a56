'use client';
// The registry page: register a folder, rescan the model roots, and every registered model in detail.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorMessage } from '../_components/error-message';
import { ResidentModels } from '../_components/resident-models';
import { useTRPC } from '../_lib/trpc';
import { adminOnlyReason, useRole } from '../_lib/role';
import { ModelCard } from './model-card';
import { PullForm } from './pull-form';
import { RegisterForm } from './register-form';

function ScanResult({ result }: { result: { added: Array<{ id: string }>; failed: Array<{ path: string; error: string }>; alreadyRegistered: number } }) {
  return (
    <div role="status" className="scan-result">
      <p>
        Added {result.added.length} {result.added.length === 1 ? 'model' : 'models'}
        {result.added.length > 0 && ` (${result.added.map((m) => m.id).join(', ')})`}; {result.alreadyRegistered} already registered
        {result.failed.length > 0 ? `; ${result.failed.length} failed:` : '.'}
      </p>
      {result.failed.length > 0 && (
        <ul>
          {result.failed.map((f) => (
            <li key={f.path}>
              <code>{f.path}</code>: {f.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ModelsPage() {
  const trpc = useTRPC();
  const adminOnly = adminOnlyReason(useRole().role);
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const scan = useMutation(trpc.models.scan.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.models.pathFilter()) }));

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Models</h1>
        <button type="button" onClick={() => scan.mutate()} disabled={scan.isPending || adminOnly !== null} title={adminOnly ?? undefined}>
          {scan.isPending ? 'Scanning…' : 'Rescan model folders'}
        </button>
      </div>
      {adminOnly && (
        <p className="muted small" role="note">
          Registering, rescanning, pulling and removing models: {adminOnly}.
        </p>
      )}
      {scan.data && <ScanResult result={scan.data} />}
      <ErrorMessage error={scan.error} />
      <RegisterForm />
      <PullForm />
      <ResidentModels />
      <ErrorMessage error={models.error} />
      {models.isPending && <p className="muted">Loading the registry…</p>}
      {models.data?.length === 0 && <p className="muted">No models yet: register a folder above, or rescan.</p>}
      <div className="model-grid">
        {models.data?.map((m) => (
          <ModelCard key={m.id} model={m} />
        ))}
      </div>
    </div>
  );
}
