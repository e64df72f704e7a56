'use client';
// Registers a model folder; the server opens every part first, and any problem is shown next to the path.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { readableError } from '../_lib/errors';
import { useTRPC } from '../_lib/trpc';
import { adminOnlyReason, useRole } from '../_lib/role';
import { modelIdFromFolder } from './model-id';

export function RegisterForm() {
  const trpc = useTRPC();
  const adminOnly = adminOnlyReason(useRole().role);
  const queryClient = useQueryClient();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const register = useMutation(
    trpc.models.register.mutationOptions({
      onSuccess: () => {
        setPath('');
        setName('');
        setId('');
        return queryClient.invalidateQueries(trpc.models.pathFilter());
      },
    }),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate({ path: path.trim(), name: name.trim() || undefined, id: id.trim() || derivedId || undefined });
  };
  const error = register.error ? readableError(register.error) : null;
  const derivedId = modelIdFromFolder(path);

  return (
    <form className="card register" aria-labelledby="register-heading" onSubmit={submit}>
      <h2 id="register-heading">Register a model folder</h2>
      <p className="hint">
        A folder in the diffusers / optimum ONNX layout (model_index.json, text_encoder, unet, vae_decoder, …) inside a model root. Relative paths
        start at the first root.
      </p>
      <div className="field">
        <label htmlFor="register-path">Folder path</label>
        <input
          id="register-path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="my-model or /data/models/my-model"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'register-path-error' : undefined}
          autoComplete="off"
          spellCheck={false}
        />
        {error && (
          <p id="register-path-error" className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="register-name">Display name (optional)</label>
          <input id="register-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="register-id">Id (optional)</label>
          <input id="register-id" value={id} onChange={(e) => setId(e.target.value)} placeholder={derivedId || 'from the folder name'} autoComplete="off" spellCheck={false} />
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={register.isPending || path.trim() === '' || adminOnly !== null} title={adminOnly ?? undefined}>
          {register.isPending ? 'Checking the model…' : 'Register'}
        </button>
        {register.isSuccess && (
          <span role="status" className="success">
            Registered {register.data.name} as “{register.data.id}”.
          </span>
        )}
      </div>
    </form>
  );
}
