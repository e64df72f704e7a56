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

export { GENERATION_STATUSES };
export type { GenerationRecord, GenerationStatus, GenerationUpdate, NewGeneration };

export interface GenerationQuery {
  modelId?: string;
  status?: GenerationStatus;
  /** 1..500, default 50. */
  limit?: number;
  /** nextCursor of the previous page (a generation id). */
  cursor?: string;
}

export interface GenerationRepository extends GenerationStore {
  list(query: GenerationQuery): Promise<Page<GenerationRecord, string>>;
}

const notFound = (id: string): EaselError => new EaselError('NOT_FOUND', `No generation with id "${id}" exists`);

function toRecord(row: Generation): GenerationRecord {
  if (!(GENERATION_STATUSES as readonly string[]).includes(row.status)) {
    throw new EaselError('INTERNAL', `Generation ${row.id} has status "${row.status}", which this Easel does not know`);
  }
  return { ...row, seed: Number(row.seed), status: row.status as GenerationStatus };
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
      const row = await generations.create({
        data: { ...generation, id: generation.id ?? randomUUID(), seed: BigInt(generation.seed), status: 'queued' },
      });
      return toRecord(row);
    },

    async update(id, update) {
      const { count } = await generations.updateMany({ where: { id }, data: update });
      if (count === 0) throw notFound(id);
      return get(id);
    },

    async list(query) {
      const limit = pageLimit(query.limit);
      const where: Prisma.GenerationWhereInput = { modelId: query.modelId, status: query.status };
      if (query.cursor !== undefined) {
        const after = await generations.findUnique({ where: { id: query.cursor }, select: { createdAt: true } });
        if (after === null) throw new EaselError('INVALID_INPUT', `cursor "${query.cursor}" names no generation; start again without a cursor`);
        // createdAt can tie, so the id breaks ties in the same order the page was sorted by.
        where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: query.cursor } }];
      }
      const rows = await generations.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
      return toPage(rows, limit, toRecord, (row) => row.id);
    },
  };
}
