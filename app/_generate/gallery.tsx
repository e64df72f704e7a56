'use client';
// The gallery of finished images, newest first: a page at a time, filtered by model, each opening full size with
// its actions. It follows new images as jobs end (their end invalidates history queries).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorMessage } from '../_components/error-message';
import { useTRPC, type Generation } from '../_lib/trpc';
import { ImageViewer } from './image-viewer';
import type { ResultActions } from './job-view';

const PAGE_SIZE = 12;

interface Props extends ResultActions {
  onOpen: (id: string) => void;
  currentId: string | null;
}

export function Gallery({ onOpen, currentId, onUseAll, onSendToImg2Img }: Props) {
  const trpc = useTRPC();
  const [modelId, setModelId] = useState('');
  // Cursors of the pages before the one shown, so "Newer" can go back.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [viewing, setViewing] = useState<Generation | null>(null);
  const cursor = cursors.at(-1);
  const models = useQuery(trpc.models.list.queryOptions());
  const page = useQuery(
    trpc.history.generations.queryOptions({ status: 'done', limit: PAGE_SIZE, ...(modelId ? { modelId } : {}), ...(cursor === undefined ? {} : { cursor }) }),
  );
  const items = page.data?.items ?? [];
  const next = page.data?.nextCursor ?? null;

  return (
    <section className="card gallery" aria-labelledby="gallery-heading">
      <div className="gallery-head">
        <h2 id="gallery-heading">Images</h2>
        <div className="field inline-field">
          <label htmlFor="gallery-model">Images of</label>
          <select
            id="gallery-model"
            value={modelId}
            onChange={(e) => {
              setModelId(e.target.value);
              setCursors([undefined]);
            }}
          >
            <option value="">All models</option>
            {models.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={page.error} />
      {page.isSuccess && items.length === 0 && <p className="muted">Nothing yet: generate an image and it will appear here.</p>}
      <ul className="thumbs">
        {items.map((g) => (
          <li key={g.id}>
            <button type="button" className="thumb" aria-pressed={g.id === currentId} onClick={() => setViewing(g)} title={g.node === null ? g.prompt : `${g.prompt} (on ${g.node})`}>
              {g.imageUrl && <img src={g.imageUrl} alt="" loading="lazy" width={g.width} height={g.height} />}
              <span className="visually-hidden">
                Show “{g.prompt}” (seed {g.seed}
                {g.node === null ? '' : `, on ${g.node}`})
              </span>
            </button>
          </li>
        ))}
      </ul>
      {(cursors.length > 1 || next !== null) && (
        <nav className="actions pager" aria-label="Gallery pages">
          <button type="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </button>
          <span className="muted small">Page {cursors.length}</span>
          <button type="button" disabled={next === null} onClick={() => next !== null && setCursors((c) => [...c, next])}>
            Older
          </button>
        </nav>
      )}
      {viewing && (
        <ImageViewer
          generation={viewing}
          onClose={() => setViewing(null)}
          onShowResult={() => {
            onOpen(viewing.id);
            setViewing(null);
          }}
          onUseAll={(g) => {
            onUseAll(g);
            setViewing(null);
          }}
          onSendToImg2Img={(url) => {
            onSendToImg2Img(url);
            setViewing(null);
          }}
        />
      )}
    </section>
  );
}
