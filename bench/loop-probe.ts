// Preloaded into the GPU server by the benchmark (node --import): records the server's event-loop delay
// without any change to the server. On SIGUSR2 it writes the delays since the previous signal, and the
// process's memory after a full GC when --expose-gc is on, as one line on stderr, then starts a new window.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export const PROBE_PREFIX = 'easel-loop-probe ';

/** A 1 ms timer resolves short stalls. Node records the whole gap between two ticks, so the timer's own
 * interval is taken off to leave the delay (an idle loop then reads about 0.1 ms). */
const RESOLUTION_MS = 1;
const NS_PER_MS = 1e6;

const delayMs = (nanoseconds: number): number => Math.max(0, nanoseconds / NS_PER_MS - RESOLUTION_MS);

export interface ProbeSnapshot {
  seq: number;
  windowMs: number;
  loop: { count: number; maxMs: number; p99Ms: number; p50Ms: number; meanMs: number };
  memory: { rssBytes: number; heapUsedBytes: number; gcForced: boolean };
  /** Garbage-collection pauses of the main thread in the window: a long one shows up as loop delay too. */
  gc: { count: number; maxMs: number; totalMs: number };
}

function install(): void {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let windowStart = performance.now();
  let gc = { count: 0, maxMs: 0, totalMs: 0 };
  new PerformanceObserver((list) => {
    // The forced collection at the end of a window is reported after it: it belongs to no window.
    for (const entry of list.getEntries()) {
      if (entry.startTime < windowStart) continue;
      gc = { count: gc.count + 1, maxMs: Math.max(gc.maxMs, entry.duration), totalMs: gc.totalMs + entry.duration };
    }
  }).observe({ entryTypes: ['gc'] });
  let seq = 0;
  process.on('SIGUSR2', () => {
    const loop = {
      count: histogram.count,
      maxMs: histogram.count ? delayMs(histogram.max) : 0,
      p99Ms: histogram.count ? delayMs(histogram.percentile(99)) : 0,
      p50Ms: histogram.count ? delayMs(histogram.percentile(50)) : 0,
      meanMs: histogram.count ? delayMs(histogram.mean) : 0,
    };
    const windowMs = performance.now() - windowStart;
    const pauses = gc;
    const forceGc = (globalThis as { gc?: () => void }).gc;
    forceGc?.();
    const usage = process.memoryUsage();
    const snapshot: ProbeSnapshot = {
      seq: ++seq,
      windowMs,
      loop,
      memory: { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, gcForced: forceGc !== undefined },
      gc: pauses,
    };
    // The forced GC belongs to no measured window.
    histogram.reset();
    gc = { count: 0, maxMs: 0, totalMs: 0 };
    windowStart = performance.now();
    process.stderr.write(`${PROBE_PREFIX}${JSON.stringify(snapshot)}\n`);
  });
}

if (process.env.EASEL_BENCH_PROBE === '1') install();
