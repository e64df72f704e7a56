// Load generators for the GPU server and its bare-HTTP stand-in: a closed loop (N requests always in
// flight, for throughput) and an open loop at a steady rate (for latency under other work). Both reach
// 127.0.0.1 only and stop after a bounded time and count.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Far above what any run sends; a safety stop, not a setting. */
const MAX_REQUESTS = 200_000;
const MAX_DURATION_MS = 120_000;

export function loopbackUrl(raw: string): URL {
  const url = new URL(raw);
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
    throw new Error(`the benchmark only loads http://127.0.0.1 (got ${raw})`);
  }
  return url;
}

function boundedDuration(durationMs: number): number {
  if (!(durationMs > 0) || durationMs > MAX_DURATION_MS) {
    throw new Error(`a load run lasts between 0 and ${MAX_DURATION_MS} ms (got ${durationMs})`);
  }
  return durationMs;
}

/** One GET; resolves with its latency in ms once the whole body has arrived, rejects on a non-200. */
function get(url: URL, agent: Agent): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode} from ${url.href}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface ClosedLoopResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  requestsPerSecond: number;
}

/** `concurrency` keep-alive connections, each sending its next request as soon as the last one is answered. */
export async function closedLoop(options: { url: string; concurrency: number; durationMs: number }): Promise<ClosedLoopResult> {
  const url = loopbackUrl(options.url);
  const durationMs = boundedDuration(options.durationMs);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() - started < durationMs && requests + errors < MAX_REQUESTS) {
      try {
        await get(url, agent);
        requests++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { requests, errors, elapsedMs, requestsPerSecond: (requests / elapsedMs) * 1000 };
}

export interface SteadyRateResult {
  latenciesMs: number[];
  errors: number;
}

/**
 * Sends one request every `intervalMs` whether or not earlier ones were answered (so a stalled server shows as
 * latency, not as fewer samples), until `stop` resolves or `maxDurationMs` passes.
 */
export async function steadyRate(options: {
  url: string;
  intervalMs: number;
  maxDurationMs: number;
  stop: Promise<void>;
  /** Requests sent one after another first and not counted: they open the connection and warm up both ends. */
  warmUp?: number;
  /** Called once the warm-up is over and the counted requests begin. */
  onStarted?: () => void;
}): Promise<SteadyRateResult> {
  const url = loopbackUrl(options.url);
  const maxDurationMs = boundedDuration(options.maxDurationMs);
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < (options.warmUp ?? 0); i++) await get(url, agent);
  options.onStarted?.();
  const latenciesMs: number[] = [];
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  void options.stop.then(() => (stopped = true));
  const started = performance.now();
  for (let sent = 0; !stopped && sent < MAX_REQUESTS && performance.now() - started < maxDurationMs; sent++) {
    const pending: Promise<void> = get(url, agent).then(
      (ms) => void latenciesMs.push(ms),
      () => void errors++,
    );
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
    // Absolute deadlines: a late tick does not push every later request back.
    const wait = started + (sent + 1) * options.intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { latenciesMs, errors };
}
