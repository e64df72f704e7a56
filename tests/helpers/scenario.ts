// Builds a ModelManager wired to fakes (runner factory, audit log, model lookup, clock, logger) for unit tests.
import { ModelManager } from '../../server/core/model-manager.js';
import { ResourceReleaser } from '../../server/core/resource-releaser.js';
import type { ModelStatus } from '../../server/core/lifecycle/state-machine.js';
import type { Clock, Logger, TransitionRecord } from '../../server/core/ports.js';
import { FakeRunnerFactory, type FakeRunnerOptions } from './fake-runner.js';
import { MemoryAuditLog, MemoryModelLookup } from './memory-audit-log.js';

export class FakeClock implements Clock {
  private time: number;

  constructor(start = Date.UTC(2025, 0, 1, 12, 0, 0)) {
    this.time = start;
  }

  now(): Date {
    return new Date(this.time);
  }

  advance(ms: number): void {
    this.time += ms;
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
}

export interface Scenario {
  manager: ModelManager;
  runners: FakeRunnerFactory;
  audit: MemoryAuditLog;
  models: MemoryModelLookup;
  clock: FakeClock;
  logger: CollectingLogger;
  /** Every status the manager's subscribers were sent, in order. */
  statuses: ModelStatus[];
}

export function createScenario(options: ScenarioOptions = {}): Scenario {
  const runners = new FakeRunnerFactory(options.runner);
  const audit = new MemoryAuditLog(options.history);
  const models = new MemoryModelLookup(MODEL_PATHS);
  const clock = new FakeClock();
  const logger = new CollectingLogger();
  const manager = new ModelManager({
    runners,
    audit,
    models,
    device: 'cpu',
    defaultSampler: options.defaultSampler ?? 'ddim',
    logger,
    clock,
    releaser: new ResourceReleaser(logger, runners.probe, 50),
    ...(options.queueLimit === undefined ? {} : { queueLimit: options.queueLimit }),
  });
  const statuses: ModelStatus[] = [];
  manager.subscribe((status) => statuses.push(status));
  return { manager, runners, audit, models, clock, logger, statuses };
}

/** Lets every queued command and promise callback run: one macrotask turn drains the microtask queue. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
