// An in-memory GenerationStore that keeps every status a record went through and can be made to fail or hold.
import { randomUUID } from 'node:crypto';
import { EaselError } from '../../server/core/errors.js';
import type { Clock, GenerationRecord, GenerationStatus, GenerationStore, GenerationUpdate, NewGeneration } from '../../server/core/ports.js';

export class MemoryGenerationStore implements GenerationStore {
  readonly records = new Map<string, GenerationRecord>();
  /** Every status each record has had, in order, starting with 'queued'. */
  readonly statuses = new Map<string, GenerationStatus[]>();
  /** Ids in the order they were created. */
  readonly created: string[] = [];
  private createFailure: Error | null = null;
  private updateFailure: Error | null = null;
  private heldCreates: Array<() => void> | null = null;

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  async create(generation: NewGeneration): Promise<GenerationRecord> {
    if (this.heldCreates) await new Promise<void>((release) => this.heldCreates?.push(release));
    if (this.createFailure) throw this.createFailure;
    const id = generation.id ?? randomUUID();
    if (this.records.has(id)) throw new EaselError('ALREADY_EXISTS', `A generation with id "${id}" already exists`);
    const record: GenerationRecord = {
      ...generation,
      id,
      createdAt: generation.createdAt ?? this.clock.now(),
      status: 'queued',
      durationMs: null,
      runMs: null,
      imagePath: null,
      errorCode: null,
      error: null,
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      node: null,
      ownerRole: generation.ownerRole ?? null,
      ownerId: generation.ownerId ?? null,
      actor: generation.actor ?? null,
      warnings: generation.warnings ?? [],
    };
    this.records.set(id, record);
    this.statuses.set(id, ['queued']);
    this.created.push(id);
    return { ...record };
  }

  async update(id: string, update: GenerationUpdate): Promise<GenerationRecord> {
    if (this.updateFailure) throw this.updateFailure;
    const record = this.require(id);
    Object.assign(record, update);
    if (update.status !== undefined) this.statuses.get(id)!.push(update.status);
    return { ...record };
  }

  async get(id: string): Promise<GenerationRecord> {
    return { ...this.require(id) };
  }

  async unfinished(): Promise<GenerationRecord[]> {
    return [...this.records.values()].filter((r) => r.status === 'queued' || r.status === 'loading' || r.status === 'running').map((r) => ({ ...r }));
  }

  /** Makes every later update() reject with `error` (null to stop): a database that went away. */
  failUpdatesWith(error: Error | null): void {
    this.updateFailure = error;
  }

  /** Makes every later create() reject with `error` (null to stop). */
  failCreatesWith(error: Error | null): void {
    this.createFailure = error;
  }

  /** Holds every create() until the returned function is called. */
  holdCreates(): () => void {
    this.heldCreates = [];
    return () => {
      const waiting = this.heldCreates ?? [];
      this.heldCreates = null;
      for (const release of waiting) release();
    };
  }

  private require(id: string): GenerationRecord {
    const record = this.records.get(id);
    if (!record) throw new EaselError('NOT_FOUND', `No generation with id "${id}" exists`);
    return record;
  }
}
