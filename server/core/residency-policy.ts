// The model cache's rules, pure and without I/O: given what is resident, the budget and a load request, decide
// what to evict (least recently used idle models first, keep-alive -1 last), whether the request must wait for
// room, or whether it can never fit; and which idle models have outlived their keep-alive. The facade carries
// the decisions out.
import type { ModelState } from './lifecycle/transitions.js';
import { KEEP_FOREVER } from './keep-alive.js';

export interface ResidentView {
  modelId: string;
  state: ModelState;
  /** Measured once loaded, estimated before. */
  memoryBytes: number;
  /** Jobs running on it, jobs queued for it, and requests waiting for its load to end. */
  demand: number;
  /** Last time a job ended on it or it was loaded (ms since the epoch). */
  lastUsedMs: number;
  /** Seconds; -1 never expires, 0 expires as soon as it is idle. */
  keepAliveSeconds: number;
}

export interface Budget {
  memoryBytes: number;
  maxLoaded: number;
}

export interface LoadRequest {
  modelId: string;
  memoryBytes: number;
}

export type Decision =
  | { kind: 'admit'; evict: string[]; usedBytes: number }
  | { kind: 'wait'; why: string; usedBytes: number }
  | { kind: 'refuse'; why: string };

/** States that hold (or are about to hold, or are giving back) a runner's memory and a slot. */
const OCCUPYING: ReadonlySet<ModelState> = new Set(['LOADING', 'LOADED', 'UNLOADING']);

function occupies(view: ResidentView): boolean {
  return OCCUPYING.has(view.state);
}

/** An idle model: loaded, with no job running or queued and nobody waiting for it. */
function isEvictable(view: ResidentView): boolean {
  return view.state === 'LOADED' && view.demand === 0;
}

/** Eviction order: least recently used first, models kept forever after every other. */
export function evictionOrder(views: readonly ResidentView[]): ResidentView[] {
  return views
    .filter(isEvictable)
    .sort((a, b) => {
      const forever = Number(a.keepAliveSeconds === KEEP_FOREVER) - Number(b.keepAliveSeconds === KEEP_FOREVER);
      return forever !== 0 ? forever : a.lastUsedMs - b.lastUsedMs || a.modelId.localeCompare(b.modelId);
    });
}

export function usedBytes(views: readonly ResidentView[]): number {
  return views.filter(occupies).reduce((sum, v) => sum + v.memoryBytes, 0);
}

const GiB = 1024 ** 3;
function size(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export function decide(views: readonly ResidentView[], budget: Budget, request: LoadRequest): Decision {
  if (request.memoryBytes > budget.memoryBytes) {
    return {
      kind: 'refuse',
      why: `"${request.modelId}" needs about ${size(request.memoryBytes)}, more than the whole memory budget of ${size(budget.memoryBytes)} (EASEL_MEMORY_BUDGET)`,
    };
  }
  const others = views.filter((v) => v.modelId !== request.modelId && occupies(v));
  let used = usedBytes(others);
  let count = others.length;
  const fits = () => used + request.memoryBytes <= budget.memoryBytes && count + 1 <= budget.maxLoaded;
  const evict: string[] = [];
  const usedBefore = used;
  for (const victim of evictionOrder(others)) {
    if (fits()) break;
    evict.push(victim.modelId);
    used -= victim.memoryBytes;
    count -= 1;
  }
  if (fits()) return { kind: 'admit', evict, usedBytes: usedBefore };
  const busy = others.filter((v) => !isEvictable(v)).map((v) => `${v.modelId} (${v.state.toLowerCase()}${v.demand ? `, ${v.demand} job(s)` : ''})`);
  return {
    kind: 'wait',
    why: `no room for "${request.modelId}" (${size(request.memoryBytes)}): ${size(usedBefore)} of ${size(budget.memoryBytes)} and ${others.length} of ${budget.maxLoaded} models are in use by ${busy.join(', ')}`,
    usedBytes: usedBefore,
  };
}

/** Idle models whose keep-alive has run out at `nowMs`. */
export function expired(views: readonly ResidentView[], nowMs: number): string[] {
  return views.filter((v) => expiresAt(v) !== null && expiresAt(v)! <= nowMs).map((v) => v.modelId);
}

/** When an idle model's keep-alive runs out (ms since the epoch); null while in use or kept forever. */
export function expiresAt(view: ResidentView): number | null {
  if (!isEvictable(view) || view.keepAliveSeconds === KEEP_FOREVER) return null;
  return view.lastUsedMs + view.keepAliveSeconds * 1000;
}
