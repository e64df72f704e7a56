// A local stand-in for a Hugging Face-compatible hub, serving folders on disk over the hub's HTTP API: the tree
// listing (/api/models/<repo>/tree/<rev>/<path>) and the resolve endpoint (/<repo>/resolve/<rev>/<path>) with
// the hub's headers (x-repo-commit, etag, x-linked-size, x-linked-etag) and Range requests. Tests can break a
// transfer midway once, hold one open behind a gate, serve wrong bytes, or require a token.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

interface HubFile {
  path: string;
  content: Buffer;
  gitOid: string;
  sha256: string;
  lfs: boolean;
}

interface HubRepo {
  commit: string;
  files: HubFile[];
  gated: boolean;
  /** Paths served with one byte changed (the listing keeps the true hashes). */
  tampered: Set<string>;
}

export interface HubRequest {
  method: string;
  /** The path, decoded, without the query. */
  path: string;
  range: string | null;
  authorization: string | null;
}

export interface HubGate {
  /** Resolves once the held response has sent its first bytes and stopped. */
  reached: Promise<void>;
  /** Lets the held response end (by dropping the connection, as a stalled transfer would). */
  release(): void;
}

export interface HubServer {
  url: string;
  /** Every request seen, in order. */
  requests: HubRequest[];
  /** Serves the files of `dir` as repository `name` ("owner/name"). */
  addRepo(name: string, dir: string, options?: { gated?: boolean; tamper?: string[] }): Promise<void>;
  /** The next transfer of that file that goes past `afterBytes` sends bytes up to there, then drops the connection. */
  interruptOnce(repo: string, path: string, afterBytes: number): void;
  /** The next transfer of that file that goes past `afterBytes` sends bytes up to there, then waits for the gate. */
  hold(repo: string, path: string, afterBytes: number): HubGate;
  /** Range requests of a file (ranged transfers, not the size probe `bytes=0-0`). */
  rangesOf(repo: string, path: string): string[];
  close(): Promise<void>;
}

/** Extensions the hub keeps in LFS, as .gitattributes of model repositories say. */
const LFS_EXTENSIONS = ['.onnx', '.onnx_data', '.safetensors', '.bin', '.pb'];

async function filesOf(dir: string): Promise<HubFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: HubFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const content = await readFile(full);
    const path = relative(dir, full).split(sep).join('/');
    files.push({
      path,
      content,
      gitOid: createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex'),
      sha256: createHash('sha256').update(content).digest('hex'),
      lfs: LFS_EXTENSIONS.some((ext) => path.endsWith(ext)),
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function sendJson(res: ServerResponse, status: number, body: unknown, errorCode?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(errorCode ? { 'x-error-code': errorCode } : {}) });
  res.end(JSON.stringify(body));
}

type Interruption = { afterBytes: number; gate: { reached: () => void; released: Promise<void> } | null };

export async function startHubServer(options: { token?: string } = {}): Promise<HubServer> {
  const repos = new Map<string, HubRepo>();
  const interruptions = new Map<string, Interruption>();
  const requests: HubRequest[] = [];

  const authorized = (repo: HubRepo, req: IncomingMessage) => !repo.gated || req.headers.authorization === `Bearer ${options.token}`;

  function findRepo(res: ServerResponse, name: string, revision: string, req: IncomingMessage): HubRepo | null {
    const repo = repos.get(name);
    if (!repo) {
      sendJson(res, 404, { error: 'Repository not found' }, 'RepoNotFound');
      return null;
    }
    if (!authorized(repo, req)) {
      sendJson(res, 401, { error: `Access to model ${name} is restricted. You must have access to it and be authenticated to access it.` }, 'GatedRepo');
      return null;
    }
    if (revision !== 'main' && revision !== repo.commit) {
      sendJson(res, 404, { error: `Invalid rev id: ${revision}` }, 'RevisionNotFound');
      return null;
    }
    return repo;
  }

  function tree(res: ServerResponse, repo: HubRepo, path: string, recursive: boolean): void {
    const prefix = path ? `${path}/` : '';
    const inside = repo.files.filter((f) => f.path.startsWith(prefix));
    if (path && inside.length === 0) {
      sendJson(res, 404, { error: `Entry not found: ${path}` }, 'EntryNotFound');
      return;
    }
    const folders = new Set<string>();
    const listed: unknown[] = [];
    for (const file of inside) {
      const rest = file.path.slice(prefix.length).split('/');
      const depth = recursive ? rest.length - 1 : Math.min(rest.length - 1, 1);
      for (let i = 1; i <= depth; i++) folders.add(prefix + rest.slice(0, i).join('/'));
      if (!recursive && rest.length > 1) continue;
      listed.push({
        type: 'file',
        oid: file.gitOid,
        size: file.content.length,
        path: file.path,
        ...(file.lfs ? { lfs: { oid: file.sha256, size: file.content.length, pointerSize: 134 } } : {}),
      });
    }
    const dirs = [...folders].map((dir) => ({ type: 'directory', oid: createHash('sha1').update(dir).digest('hex'), size: 0, path: dir }));
    sendJson(res, 200, [...dirs, ...listed]);
  }

  function resolveFile(req: IncomingMessage, res: ServerResponse, name: string, repo: HubRepo, path: string): void {
    const file = repo.files.find((f) => f.path === path);
    if (!file) {
      sendJson(res, 404, { error: `Entry not found: ${path}` }, 'EntryNotFound');
      return;
    }
    let content = file.content;
    if (repo.tampered.has(path)) {
      content = Buffer.from(content);
      content[content.length >> 1]! ^= 0xff;
    }
    const size = content.length;
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      'x-repo-commit': repo.commit,
      etag: `"${file.lfs ? file.sha256 : file.gitOid}"`,
      ...(file.lfs ? { 'x-linked-size': String(size), 'x-linked-etag': `"${file.sha256}"` } : {}),
    };
    let start = 0;
    let end = size - 1;
    const range = req.headers.range?.match(/^bytes=(\d+)-(\d*)$/);
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size) {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
        res.end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1) });
    } else {
      res.writeHead(200, { ...headers, 'content-length': String(size) });
    }
    const key = `${name}/${path}`;
    const cut = interruptions.get(key);
    if (!cut || end < cut.afterBytes || start >= cut.afterBytes) {
      res.end(content.subarray(start, end + 1));
      return;
    }
    interruptions.delete(key);
    res.write(content.subarray(start, cut.afterBytes), () => {
      if (!cut.gate) {
        res.socket?.destroy();
        return;
      }
      cut.gate.reached();
      void cut.gate.released.then(() => res.socket?.destroy());
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub.local');
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? 'GET', path, range: req.headers.range ?? null, authorization: req.headers.authorization ?? null });
    const treeMatch = path.match(/^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)(?:\/(.*))?$/);
    if (treeMatch) {
      const repo = findRepo(res, treeMatch[1]!, treeMatch[2]!, req);
      if (repo) tree(res, repo, (treeMatch[3] ?? '').replace(/\/$/, ''), url.searchParams.get('recursive') === 'true');
      return;
    }
    const resolveMatch = path.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    if (resolveMatch) {
      const repo = findRepo(res, resolveMatch[1]!, resolveMatch[2]!, req);
      if (repo) resolveFile(req, res, resolveMatch[1]!, repo, resolveMatch[3]!);
      return;
    }
    sendJson(res, 404, { error: `No route for ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async addRepo(name, dir, repoOptions = {}) {
      repos.set(name, {
        commit: createHash('sha1').update(`commit of ${name}`).digest('hex'),
        files: await filesOf(dir),
        gated: repoOptions.gated ?? false,
        tampered: new Set(repoOptions.tamper ?? []),
      });
    },
    interruptOnce(repo, path, afterBytes) {
      interruptions.set(`${repo}/${path}`, { afterBytes, gate: null });
    },
    hold(repo, path, afterBytes) {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      interruptions.set(`${repo}/${path}`, { afterBytes, gate: { reached, released } });
      return { reached: reachedPromise, release };
    },
    rangesOf(repo, path) {
      return requests
        .filter((r) => r.path.startsWith(`/${repo}/resolve/`) && r.path.endsWith(`/${path}`))
        .map((r) => r.range)
        .filter((range): range is string => range !== null && range !== 'bytes=0-0');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
