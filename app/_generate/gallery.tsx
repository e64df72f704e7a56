'use client';
// Recent finished generations from history; choosing one shows it with its parameters.
import { useQuery } from '@tanstack/react-query';
import { ErrorMessage } from '../_components/error-message';
import { useTRPC } from '../_lib/trpc';

export function Gallery({ onOpen, currentId }: { onOpen: (id: string) => void; currentId: string | null }) {
  const trpc = useTRPC();
  const recent = useQuery(trpc.history.generations.queryOptions({ status: 'done', limit: 12 }));
  const items = recent.data?.items ?? [];
  return (
    <section className="card gallery" aria-labelledby="gallery-heading">
      <h2 id="gallery-heading">Recent images</h2>
      <ErrorMessage error={recent.error} />
      {recent.isSuccess && items.length === 0 && <p className="muted">Nothing yet: generate an image and it will appear here.</p>}
      <ul className="thumbs">
        {items.map((g) => (
          <li key={g.id}>
            <button type="button" className="thumb" aria-pressed={g.id === currentId} onClick={() => onOpen(g.id)} title={g.prompt}>
              {g.imageUrl && <img src={g.imageUrl} alt="" loading="lazy" width={g.width} height={g.height} />}
              <span className="visually-hidden">Show “{g.prompt}” (seed {g.seed})</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
