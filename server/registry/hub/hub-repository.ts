// The one place that talks to a Hugging Face-compatible hub, through @huggingface/hub: lists a repository's
// files and opens one for reading from a byte offset; hub failures become EaselErrors a person can act on.
import { downloadFile, HubApiError, listFiles } from '@huggingface/hub';
import { EaselError } from '../../core/errors.js';
import type { HubEntry } from './onnx-layout.js';

export interface HubSource {
  /** Base URL of the hub, e.g. https://huggingface.co. */
  url: string;
  /** HF_TOKEN, for gated and private repositories. */
  token: string | null;
}

export interface RepoRef {
  repo: string;
  revision: string;
}

export interface HubRepository {
  /** Every file of the repository at that revision (recursively), under `path` when given. */
  list(ref: RepoRef, path: string | null, signal: AbortSignal): Promise<HubEntry[]>;
  /** The file's bytes from `offset` to its end; `size` is the file's whole size as the hub reports it. */
  open(ref: RepoRef, path: string, offset: number, signal: AbortSignal): Promise<{ size: number; body: ReadableStream<Uint8Array> }>;
}

function describe(ref: RepoRef, path: string | null): string {
  return `"${ref.repo}"${ref.revision === 'main' ? '' : ` at revision "${ref.revision}"`}${path ? ` (${path})` : ''}`;
}

/** Hub answers as Easel errors; anything else (a dropped connection, an abort) is passed on unchanged. */
function translate(error: unknown, hub: HubSource, ref: RepoRef, path: string | null): unknown {
  if (!(error instanceof HubApiError)) return error;
  const what = describe(ref, path);
  switch (error.statusCode) {
    case 404:
      return new EaselError('NOT_FOUND', `${what} was not found on ${hub.url}; check the repository name, revision and subfolder`, { cause: error });
    case 401:
      return new EaselError(
        'UNAUTHORIZED',
        `${hub.url} refused ${what} without ${hub.token ? 'a valid' : 'a'} token: the repository is private, gated or missing; set HF_TOKEN to a token that can read it`,
        { cause: error },
      );
    case 403:
      return new EaselError('FORBIDDEN', `The HF_TOKEN given has no access to ${what} on ${hub.url}; accept the model's terms on the hub or use another token`, { cause: error });
    default:
      return error;
  }
}

export function createHubRepository(hub: HubSource): HubRepository {
  const credentials = hub.token ? { accessToken: hub.token } : {};
  // The library takes no AbortSignal; its `fetch` option is how a cancel reaches the request in flight.
  const fetchWith = (signal: AbortSignal): typeof fetch => (input, init) => fetch(input, { ...init, signal });
  return {
    async list(ref, path, signal) {
      const entries: HubEntry[] = [];
      try {
        const listing = listFiles({ repo: { type: 'model', name: ref.repo }, revision: ref.revision, path: path ?? undefined, recursive: true, hubUrl: hub.url, fetch: fetchWith(signal), ...credentials });
        for await (const entry of listing) entries.push(entry);
      } catch (error) {
        const known = translate(error, hub, ref, path);
        if (known !== error || signal.aborted) throw known;
        const reason = error instanceof Error ? error.message : String(error);
        throw new EaselError('INTERRUPTED', `Could not read the file list of ${describe(ref, path)} from ${hub.url} (${reason}); check EASEL_HUB_URL and the network, then pull again`, {
          cause: error,
        });
      }
      return entries;
    },
    async open(ref, path, offset, signal) {
      let blob: Blob | null;
      try {
        blob = await downloadFile({ repo: { type: 'model', name: ref.repo }, revision: ref.revision, path, hubUrl: hub.url, fetch: fetchWith(signal), ...credentials });
      } catch (error) {
        throw translate(error, hub, ref, path);
      }
      if (!blob) throw new EaselError('NOT_FOUND', `${describe(ref, path)} was listed by ${hub.url} but cannot be downloaded from it`);
      // The library's blobs read a slice with an HTTP Range request: that is how a partial file is resumed.
      return { size: blob.size, body: (offset > 0 ? blob.slice(offset) : blob).stream() };
    },
  };
}
