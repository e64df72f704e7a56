// Image requests and their outcomes on the Generation table, listed newest first.
import { randomUUID } from 'node:crypto';
import { EaselError } from '../core/errors.js';
import {
  GENERATION_STATUSES,
  type GenerationRecord,
  type GenerationStatus,
  type GenerationStore,
  type GenerationUpdate,
  type NewGeneration,
} from '../core/ports.js';
import type { Database } from './database.js';
import type { Generation, Prisma } from './generated/sqlite/client.js';
import { pageLimit, toPage, type Page } from './page.js';
import { parseJsonText } from './json-text.js';

export { GENERATION_STATUSES };
export type { GenerationRecord, GenerationStatus, GenerationUpdate, NewGeneration };

export interface GenerationQuery {
  modelId?: string;
  status?: GenerationStatus;
  /** Only the generations of this owner (a token's stable id); all when absent. */
  ownerId?: string;
  /** 1..500, default 50. */
  limit?: number;
  /** nextCursor of the previous page (a generation id). */
  cursor?: string;
}

export interface GenerationRepository extends GenerationStore {
  list(query: GenerationQuery): Promise<Page<GenerationRecord, string>>;
  /** Deletes a generation that has ended; NOT_FOUND for an unknown id, ILLEGAL_TRANSITION while it hasn't ended. */
  deleteFinished(id: string): Promise<GenerationRecord>;
  /** Ended generations past a retention limit, oldest first: all but the newest `keep`, or those created before `before`. */
  expired(query: { keep: number } | { before: Date }, limit: number): Promise<string[]>;
  /** Deletes those of `ids` that have ended; returns the ids deleted. */
  deleteFinishedMany(ids: readonly string[]): Promise<string[]>;
}

/** Statuses of a job that has ended: only these rows (and their images) may be deleted. */
const FINISHED_STATUSES: GenerationStatus[] = ['done', 'failed', 'cancelled'];

const notFound = (id: string): EaselError => new EaselError('NOT_FOUND', `No generation with id "${id}" exists`);

function toRecord(row: Generation): GenerationRecord {
  if (!(GENERATION_STATUSES as readonly string[]).includes(row.status)) {
    throw new EaselError('INTERNAL', `Generation ${row.id} has status "${row.status}", which this Easel does not know`);
  }
  const warnings = row.warnings === null ? [] : parseJsonText<string[]>(row.warnings, `Generation ${row.id} warnings`);
  return { ...row, seed: Number(row.seed), status: row.status as GenerationStatus, warnings };
}

export function createGenerationRepository(db: Database): GenerationRepository {
  const generations = db.prisma.generation;

  async function get(id: string): Promise<GenerationRecord> {
    const row = await generations.findUnique({ where: { id } });
    if (row === null) throw notFound(id);
    return toRecord(row);
  }

  return {
    get,

    async create(generation) {
      if (!Number.isSafeInteger(generation.seed) || generation.seed < 0) {
        throw new EaselError('INVALID_INPUT', `seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${generation.seed}`);
      }
      const { warnings, ...rest } = generation;
      const row = await generations.create({
        data: {
          ...rest,
          id: generation.id ?? randomUUID(),
          seed: BigInt(generation.seed),
          status: 'queued',
          warnings: warnings && warnings.length > 0 ? JSON.stringify(warnings) : null,
        },
      });
      return toRecord(row);
    },

    async unfinished() {
      const rows = await generations.findMany({ where: { status: { in: ['queued', 'loading', 'running'] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toRecord);
    },

    async update(id, update) {
      const { count } = await generations.updateMany({ where: { id }, data: update });
      if (count === 0) throw notFound(id);
      return get(id);
    },

    async list(query) {
      const limit = pageLimit(query.limit);
      const where: Prisma.GenerationWhereInput = { modelId: query.modelId, status: query.status, ownerId: query.ownerId };
      if (query.cursor !== undefined) {
        const after = await generations.findUnique({ where: { id: query.cursor }, select: { createdAt: true } });
        if (after === null) throw new EaselError('INVALID_INPUT', `cursor "${query.cursor}" names no generation; start again without a cursor`);
        // createdAt can tie, so the id breaks ties in the same order the page was sorted by.
        where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: query.cursor } }];
      }
      const rows = await generations.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
      return toPage(rows, limit, toRecord, (row) => row.id);
    },

    async deleteFinished(id) {
      const record = await get(id);
      // The status is checked in the delete itself, so a job that starts meanwhile is never deleted.
      const { count } = await generations.deleteMany({ where: { id, status: { in: FINISHED_STATUSES } } });
      if (count === 0) {
        throw new EaselError('ILLEGAL_TRANSITION', `Generation ${id} is still ${record.status}; cancel it (generate.cancel) or wait for it to end before deleting it`);
      }
      return record;
    },

    async expired(query, limit) {
      const finished: Prisma.GenerationWhereInput = { status: { in: FINISHED_STATUSES } };
      let where = finished;
      let take = limit;
      if ('keep' in query) take = Math.min(limit, (await generations.count({ where: finished })) - query.keep);
      else where = { ...finished, createdAt: { lt: query.before } };
      if (take <= 0) return [];
      const rows = await generations.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take, select: { id: true } });
      return rows.map((row) => row.id);
    },

    async deleteFinishedMany(ids) {
      const deletable = await generations.findMany({ where: { id: { in: [...ids] }, status: { in: FINISHED_STATUSES } }, select: { id: true } });
      const chosen = deletable.map((row) => row.id);
      await generations.deleteMany({ where: { id: { in: chosen }, status: { in: FINISHED_STATUSES } } });
      return chosen;
    },
  };
}
