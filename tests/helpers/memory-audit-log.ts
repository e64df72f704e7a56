// In-memory fakes of the persistence ports: an AuditLog whose appends can be held back or made to fail, and a
// ModelLookup over a fixed set of registered models.
import { TRANSITIONS } from '../../server/core/lifecycle/transitions.js';
import type { AuditLog, ModelLookup, TransitionRecord } from '../../server/core/ports.js';

/** What is wrong with a log as a chain: it must start from IDLE, each record leave the state the previous one
 * reached, and each be a row of TRANSITIONS. Empty when the chain is valid. */
export function chainProblems(records: readonly TransitionRecord[]): string[] {
  const problems: string[] = [];
  let state = 'IDLE';
  records.forEach((record, index) => {
    const where = `record ${index} (${record.from} -${record.reason}-> ${record.to})`;
    if (record.from !== state) problems.push(`${where} starts from ${record.from}, but the state was ${state}`);
    if (TRANSITIONS[record.from][record.reason] !== record.to) problems.push(`${where} is not a row of TRANSITIONS`);
    state = record.to;
  });
  return problems;
}

export class MemoryAuditLog implements AuditLog {
  readonly records: TransitionRecord[] = [];
  private held: Array<() => void> | null = null;
  private failure: Error | null = null;

  constructor(initial: TransitionRecord[] = []) {
    this.records.push(...initial);
  }

  async append(record: TransitionRecord): Promise<void> {
    if (this.held) await new Promise<void>((release) => this.held?.push(release));
    if (this.failure) throw this.failure;
    this.records.push(structuredClone(record));
  }

  async last(): Promise<TransitionRecord | null> {
    return this.records.at(-1) ?? null;
  }

  /** Holds every append until `release()` is called, to observe what happens before a record is written. */
  hold(): () => void {
    this.held = [];
    return () => {
      const waiting = this.held ?? [];
      this.held = null;
      for (const release of waiting) release();
    };
  }

  /** Makes every later append reject with `error` (null to stop). */
  failWith(error: Error | null): void {
    this.failure = error;
  }
}

export class MemoryModelLookup implements ModelLookup {
  readonly loadedAt = new Map<string, Date>();
  private readonly models: Map<string, string>;

  /** @param models registered model id → folder path */
  constructor(models: Record<string, string>) {
    this.models = new Map(Object.entries(models));
  }

  async find(id: string): Promise<{ id: string; path: string } | null> {
    const path = this.models.get(id);
    return path === undefined ? null : { id, path };
  }

  async recordLoaded(id: string, at: Date): Promise<void> {
    this.loadedAt.set(id, at);
  }
}
