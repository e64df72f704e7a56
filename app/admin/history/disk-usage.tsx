'use client';
// Disk use of the images folder (storage.usage): its size, the free space on its disk, the floor below which new
// jobs are refused, and the retention in force.
import { useQuery } from '@tanstack/react-query';
import { formatBytes } from '../../../client/format-bytes';
import { ErrorMessage } from '../../_components/error-message';
import { useTRPC } from '../../_lib/trpc';

/** Images come and go with jobs and retention; half a minute keeps the figures fresh without polling hard. */
const REFRESH_MS = 30_000;

export function DiskUsage() {
  const trpc = useTRPC();
  const usage = useQuery(trpc.storage.usage.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const u = usage.data;
  const full = u !== undefined && u.freeBytes < u.minFreeBytes;
  return (
    <section className="card" aria-labelledby="disk-heading">
      <h2 id="disk-heading">Disk</h2>
      <ErrorMessage error={usage.error} />
      {u && (
        <dl className="details">
          <div><dt>Images</dt><dd>{u.imageCount} ({formatBytes(u.imageBytes)})</dd></div>
          <div><dt>Folder</dt><dd><code className="path">{u.imagesDir}</code></dd></div>
          <div><dt>Free on its disk</dt><dd>{formatBytes(u.freeBytes)} of {formatBytes(u.totalBytes)}</dd></div>
          <div><dt>New jobs refused below</dt><dd>{formatBytes(u.minFreeBytes)}</dd></div>
          <div><dt>Kept</dt><dd>{u.retention}</dd></div>
        </dl>
      )}
      {full && (
        <p className="error" role="alert">
          The disk is full: new jobs are refused until space is freed (delete images, or set EASEL_IMAGE_RETENTION).
        </p>
      )}
    </section>
  );
}
