'use client';
// Pulls a model from the server's hub (models.pull): repository, revision and subfolder, then live progress
// over files and bytes from models.onPull, with Cancel; the registry list refreshes once the model is in.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState, type FormEvent } from 'react';
import { formatBytes } from '../../client/format-bytes';
import { ProgressBar } from '../_components/progress-bar';
import { readableError } from '../_lib/errors';
import { formatDuration } from '../_lib/format';
import { useTRPC, type Outputs } from '../_lib/trpc';

type PullEvent = Outputs['models']['pull'];

const STATUS_TEXT: Record<PullEvent['status'], string> = {
  downloading: 'Downloading',
  verifying: 'Checking the bytes already here',
  registering: 'Registering (every part is opened and checked)',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function isEnded(event: PullEvent | undefined): boolean {
  return event !== undefined && (event.status === 'done' || event.status === 'failed' || event.status === 'cancelled');
}

function PullProgressView({ event, onCancel, cancelling }: { event: PullEvent; onCancel: () => void; cancelling: boolean }) {
  const eta = event.etaMs === null ? '' : ` · ${formatDuration(event.etaMs)} left`;
  const text = `${formatBytes(event.bytes.done)} of ${formatBytes(event.bytes.total)} · ${event.files.done}/${event.files.total} files${eta}`;
  return (
    <div className="pull-progress" aria-live="polite">
      <p>
        {STATUS_TEXT[event.status]} <code>{event.repo}</code>
        {event.revision !== 'main' && <> at {event.revision}</>}
        {event.file && (
          <>
            : <code>{event.file}</code>
          </>
        )}
      </p>
      <ProgressBar label={`Pull of ${event.repo}`} value={event.bytes.done} max={event.bytes.total} text={text} />
      {!isEnded(event) && (
        <button type="button" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel pull'}
        </button>
      )}
      {event.status === 'done' && (
        <p role="status" className="success">
          Registered as “{event.modelId}” in <code>{event.folder}</code>.
        </p>
      )}
      {event.status === 'cancelled' && <p role="status">Cancelled; the files downloaded so far are kept, and pulling again continues from them.</p>}
      {event.status === 'failed' && event.error && (
        <p role="alert" className="error">
          {event.error.message}
        </p>
      )}
    </div>
  );
}

export function PullForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [repo, setRepo] = useState('');
  const [revision, setRevision] = useState('');
  const [subfolder, setSubfolder] = useState('');
  const [event, setEvent] = useState<PullEvent | undefined>(undefined);
  const pull = useMutation(trpc.models.pull.mutationOptions({ onSuccess: (started) => setEvent(started) }));
  const cancel = useMutation(trpc.models.cancelPull.mutationOptions());
  const pullId = event?.pullId;

  useSubscription(
    trpc.models.onPull.subscriptionOptions(
      { pullId },
      {
        enabled: pullId !== undefined && !isEnded(event),
        onData(next) {
          setEvent(next);
          if (next.status === 'done') void queryClient.invalidateQueries(trpc.models.pathFilter());
        },
      },
    ),
  );

  const running = event !== undefined && !isEnded(event);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setEvent(undefined);
    pull.mutate({ repo: repo.trim(), revision: revision.trim() || undefined, subfolder: subfolder.trim() || undefined });
  };
  const error = pull.error ? readableError(pull.error) : cancel.error ? readableError(cancel.error) : null;

  return (
    <form className="card register" aria-labelledby="pull-heading" onSubmit={submit}>
      <h2 id="pull-heading">Pull from hub</h2>
      <p className="hint">
        Downloads an ONNX export (diffusers / optimum layout) from the server&apos;s Hugging Face-compatible hub into the first model root, checks every
        file, and registers it. An interrupted pull continues where it stopped.
      </p>
      <div className="field">
        <label htmlFor="pull-repo">Repository</label>
        <input
          id="pull-repo"
          value={repo}
          onChange={(e) => setRepo(e.target.value)}
          placeholder="owner/name"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'pull-repo-error' : undefined}
          autoComplete="off"
          spellCheck={false}
        />
        {error && (
          <p id="pull-repo-error" className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="pull-revision">Revision (optional)</label>
          <input id="pull-revision" value={revision} onChange={(e) => setRevision(e.target.value)} placeholder="main" autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="pull-subfolder">Subfolder (optional)</label>
          <input id="pull-subfolder" value={subfolder} onChange={(e) => setSubfolder(e.target.value)} placeholder="e.g. onnx" autoComplete="off" spellCheck={false} />
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={pull.isPending || running || repo.trim() === ''}>
          {pull.isPending ? 'Checking the repository…' : 'Pull'}
        </button>
      </div>
      {event && <PullProgressView event={event} cancelling={cancel.isPending} onCancel={() => cancel.mutate({ id: event.pullId })} />}
    </form>
  );
}
