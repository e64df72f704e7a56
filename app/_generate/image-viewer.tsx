'use client';
// A gallery image at full size in a modal dialog, with its prompt, the actions a result has, and Delete.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { useTRPC, type Generation } from '../_lib/trpc';
import { ResultButtons, type ResultActions } from './job-view';

interface Props extends ResultActions {
  generation: Generation;
  onClose: () => void;
  onShowResult: () => void;
}

export function ImageViewer({ generation, onClose, onShowResult, onUseAll, onSendToImg2Img }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.generate.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.history.generations.pathFilter());
        onClose();
      },
    }),
  );
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="image-viewer" aria-label="Full-size image" onClose={onClose} onClick={(e) => e.target === dialog.current && onClose()}>
      {generation.imageUrl && <img src={generation.imageUrl} alt={`Generated image: ${generation.prompt}`} width={generation.width} height={generation.height} />}
      <p className="viewer-caption">
        {generation.prompt} <span className="muted">
          (seed {generation.seed}, {generation.width} × {generation.height}
          {generation.node === null ? '' : `, on ${generation.node}`})
        </span>
      </p>
      <div className="actions">
        <ResultButtons generation={generation} onUseAll={onUseAll} onSendToImg2Img={onSendToImg2Img}>
          <button type="button" onClick={onShowResult}>
            Show details
          </button>
        </ResultButtons>
        <button type="button" className="danger" onClick={() => remove.mutate({ id: generation.id })} disabled={remove.isPending}>
          Delete
        </button>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      <ErrorMessage error={remove.error} />
    </dialog>
  );
}
