// In-memory fakes of the persistence ports: an AuditLog whose appends can be held back or made to fail, and a
// ModelLookup over a fixed set of registered models.
import { TRANSITIONS } from '../../server/core/lifecycle/transitions.js';
import type { AuditLog, ModelLookup, RegisteredModel, TransitionRecord } from '../../server/core/ports.js';

/** What is wrong with a log as chains, one per model: each must start from IDLE, each record leave the state the
 * previous record of that model reached, and each be a row of TRANSITIONS. Empty when every chain is valid. */
export function chainProblems(records: readonly TransitionRecord[]): string[] {
  const problems: string[] = [];
  const states = new Map<string | null, string>();
  records.forEach((record, index) => {
    const state = states.get(record.modelId) ?? 'IDLE';
    const where = `record ${index} of ${record.modelId} (${record.from} -${record.reason}-> ${record.to})`;
    if (record.from !== state) problems.push(`${where} starts from ${record.from}, but the state was ${state}`);
    if (TRANSITIONS[record.from][record.reason] !== record.to) problems.push(`${where} is not a row of TRANSITIONS`);
    states.set(record.modelId, record.to);
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

  async lastPerModel(): Promise<TransitionRecord[]> {
    const newest = new Map<string | null, TransitionRecord>();
    for (const record of this.records) newest.set(record.modelId, record);
    return [...newest.values()];
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
  readonly measured = new Map<string, number>();
  private readonly models: Map<string, string>;

  /** @param models registered model id → folder path */
  constructor(models: Record<string, string>) {
    this.models = new Map(Object.entries(models));
  }

  async find(id: string): Promise<RegisteredModel | null> {
    const path = this.models.get(id);
    return path === undefined ? null : { id, path, memoryBytes: this.measured.get(id) ?? null };
  }

  async recordLoaded(id: string, at: Date, memoryBytes: number | null): Promise<void> {
    this.loadedAt.set(id, at);
    if (memoryBytes !== null) this.measured.set(id, memoryBytes);
  }

  async recordMemory(id: string, memoryBytes: number): Promise<void> {
    this.measured.set(id, memoryBytes);
  }

  register(id: string, path: string): void {
    this.models.set(id, path);
  }

  remove(id: string): void {
    this.models.delete(id);
  }
}
