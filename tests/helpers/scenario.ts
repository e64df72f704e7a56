// Builds a ModelManager wired to fakes (runner factory, audit log, model lookup, clock, logger) for unit tests.
import { ModelManager } from '../../server/core/model-manager.js';
import { ResourceReleaser } from '../../server/core/resource-releaser.js';
import type { ModelsStatus, Timers } from '../../server/core/model-manager.js';
import type { Budget } from '../../server/core/residency-policy.js';
import type { Clock, Logger, TransitionRecord } from '../../server/core/ports.js';
import { FakeRunnerFactory, type FakeRunner, type FakeRunnerOptions } from './fake-runner.js';
import { MemoryAuditLog, MemoryModelLookup } from './memory-audit-log.js';

/** A clock the test moves, and timers that fire when it moves past their deadline (the facade's Timers). */
export class FakeClock implements Clock, Timers {
  private time: number;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  constructor(start = Date.UTC(2025, 0, 1, 12, 0, 0)) {
    this.time = start;
  }

  now(): Date {
    return new Date(this.time);
  }

  /** Moves time on, firing every timer that falls due, in deadline order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = target;
  }

  set(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + Math.max(0, ms), callback });
    return handle;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

export class CollectingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, fields });
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, fields });
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, fields });
  }

  messages(level: LogEntry['level']): string[] {
    return this.entries.filter((entry) => entry.level === level).map((entry) => entry.message);
  }
}

export const MODEL_PATHS: Record<string, string> = {
  A: '/models/a',
  B: '/models/b',
  C: '/models/c',
};

export interface ScenarioOptions {
  runner?: Partial<FakeRunnerOptions>;
  /** Records already in the audit log, as a previous run of the server left them. */
  history?: TransitionRecord[];
  queueLimit?: number;
  /** The sampler a loaded pipeline starts with ('ddim' unless given; generations need a real name, e.g. 'DDIM'). */
  defaultSampler?: string;
  /** The cache's limits (default: 3 models, 10 GiB). */
  budget?: Partial<Budget>;
  /** Estimated bytes per model path (default 1 GiB each); what a fake runner measures is its rssBytes. */
  estimates?: Record<string, number>;
  /** Default keep-alive in seconds (default 1800) and the cap (default none). */
  keepAlive?: { defaultSeconds?: number; maxSeconds?: number | null };
  /** Load timeout, also the longest wait for room (default 300 s). */
  loadTimeoutMs?: number;
}

export interface Scenario {
  manager: ModelManager;
  runners: FakeRunnerFactory;
  audit: MemoryAuditLog;
  models: MemoryModelLookup;
  clock: FakeClock;
  logger: CollectingLogger;
  /** Every status the manager's subscribers were sent, in order. */
  statuses: ModelsStatus[];
}

const GiB = 1024 ** 3;

/** The state of one model in a cache status (IDLE when it is not listed). */
export function stateOf(status: ModelsStatus, modelId: string): string {
  return status.models.find((m) => m.modelId === modelId)?.state ?? 'IDLE';
}

export function createScenario(options: ScenarioOptions = {}): Scenario {
  const runners = new FakeRunnerFactory(options.runner);
  const audit = new MemoryAuditLog(options.history);
  const models = new MemoryModelLookup(MODEL_PATHS);
  const clock = new FakeClock();
  const logger = new CollectingLogger();
  const estimates = options.estimates ?? {};
  const manager = new ModelManager({
    runners,
    audit,
    models,
    estimator: { estimate: async (path) => estimates[path] ?? GiB },
    device: 'cpu',
    defaultSampler: options.defaultSampler ?? 'ddim',
    logger,
    clock,
    timers: clock,
    budget: { memoryBytes: options.budget?.memoryBytes ?? 10 * GiB, maxLoaded: options.budget?.maxLoaded ?? 3 },
    keepAlive: { defaultSeconds: options.keepAlive?.defaultSeconds ?? 1800, maxSeconds: options.keepAlive?.maxSeconds ?? null },
    loadTimeoutMs: options.loadTimeoutMs ?? 300_000,
    releaser: new ResourceReleaser(logger, runners.probe, 50),
    ...(options.queueLimit === undefined ? {} : { queueLimit: options.queueLimit }),
  });
  const statuses: ModelsStatus[] = [];
  manager.subscribe((status) => statuses.push(status));
  return { manager, runners, audit, models, clock, logger, statuses };
}

/** Lets every queued command and promise callback run: one macrotask turn drains the microtask queue. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Lets queued work run until `check` holds; fails (rather than hangs) after a bounded number of turns. */
export async function settleUntil(check: () => boolean, what: string, turns = 100): Promise<void> {
  for (let i = 0; i < turns; i += 1) {
    if (check()) return;
    await settle();
  }
  throw new Error(`never happened: ${what}`);
}

/** The runner spawned last for `modelId` (one of MODEL_PATHS); throws when none was. */
export function runnerOf(scenario: Pick<Scenario, 'runners'>, modelId: string): FakeRunner {
  const runner = scenario.runners.runners.filter((r) => r.requests[0]?.modelPath === MODEL_PATHS[modelId]).at(-1);
  if (!runner) throw new Error(`no runner was spawned for ${modelId}`);
  return runner;
}

/** A scenario whose manager has `modelId` LOADED, its runner alive. */
export async function createLoadedScenario(modelId = 'A', options: ScenarioOptions = {}): Promise<Scenario> {
  const scenario = createScenario(options);
  const load = scenario.manager.load(modelId, { actor: 'ui' });
  await settle();
  scenario.runners.latest().complete();
  await load;
  return scenario;
}

/** What a promise came to, without throwing: `{ resolved: value }`, or the rejection reason itself. */
export function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}
