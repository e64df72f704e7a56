// The model registry on the Model table; also the core's ModelLookup.
import { EaselError } from '../core/errors.js';
import type { ModelDescription, ModelLookup } from '../core/ports.js';
import type { Database } from './database.js';
import type { Model } from './generated/sqlite/client.js';
import { parseJsonText } from './json-text.js';
import { isUniqueViolation } from './unique-violation.js';

export interface ModelRecord {
  id: string;
  name: string;
  path: string;
  kind: string;
  sampleSize: number;
  defaultSampler: string | null;
  /** Bytes on disk; a plain number (exact up to 8 PiB) so it crosses tRPC/superjson and JSON alike. */
  sizeBytes: number;
  description: ModelDescription;
  createdAt: Date;
  lastLoadedAt: Date | null;
  loadCount: number;
  /** Memory measured at the last load (runner RSS on CPU, device memory on a GPU); null until loaded once. */
  memoryBytes: number | null;
}

export type NewModel = Omit<ModelRecord, 'createdAt' | 'lastLoadedAt' | 'loadCount' | 'memoryBytes'> & { createdAt?: Date };

export interface ModelRepository extends ModelLookup {
  create(model: NewModel): Promise<ModelRecord>;
  /** Throws NOT_FOUND for an unknown id. */
  get(id: string): Promise<ModelRecord>;
  findByPath(path: string): Promise<ModelRecord | null>;
  /** Oldest registration first. */
  list(): Promise<ModelRecord[]>;
  /** Throws NOT_FOUND for an unknown id. Audit rows naming the model stay. */
  remove(id: string): Promise<void>;
}

const notFound = (id: string): EaselError => new EaselError('NOT_FOUND', `No model with id "${id}" is registered`);

function toRecord(row: Model): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    kind: row.kind,
    sampleSize: row.sampleSize,
    defaultSampler: row.defaultSampler,
    sizeBytes: Number(row.sizeBytes),
    description: parseJsonText<ModelDescription>(row.description, `Model "${row.id}" description`),
    createdAt: row.createdAt,
    lastLoadedAt: row.lastLoadedAt,
    loadCount: row.loadCount,
    memoryBytes: row.memoryBytes === null ? null : Number(row.memoryBytes),
  };
}

export function createModelRepository(db: Database): ModelRepository {
  const models = db.prisma.model;

  async function duplicateError(model: NewModel): Promise<EaselError> {
    const samePath = await models.findUnique({ where: { path: model.path } });
    return samePath === null || samePath.id === model.id
      ? new EaselError('ALREADY_EXISTS', `A model with id "${model.id}" is already registered; pick another id or remove it first`)
      : new EaselError('ALREADY_EXISTS', `${model.path} is already registered as model "${samePath.id}"`);
  }

  return {
    async create(model) {
      if (!Number.isSafeInteger(model.sizeBytes) || model.sizeBytes < 0) {
        throw new EaselError('INVALID_INPUT', `sizeBytes of model "${model.id}" must be a whole number of bytes, got ${model.sizeBytes}`);
      }
      try {
        const row = await models.create({
          data: {
            id: model.id,
            name: model.name,
            path: model.path,
            kind: model.kind,
            sampleSize: model.sampleSize,
            defaultSampler: model.defaultSampler,
            sizeBytes: BigInt(model.sizeBytes),
            description: JSON.stringify(model.description),
            createdAt: model.createdAt,
          },
        });
        return toRecord(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw await duplicateError(model);
        throw error;
      }
    },

    async get(id) {
      const row = await models.findUnique({ where: { id } });
      if (row === null) throw notFound(id);
      return toRecord(row);
    },

    async find(id) {
      const row = await models.findUnique({ where: { id }, select: { id: true, path: true, memoryBytes: true } });
      return row === null ? null : { id: row.id, path: row.path, memoryBytes: row.memoryBytes === null ? null : Number(row.memoryBytes) };
    },

    async findByPath(path) {
      const row = await models.findUnique({ where: { path } });
      return row === null ? null : toRecord(row);
    },

    async list() {
      const rows = await models.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toRecord);
    },

    async remove(id) {
      const { count } = await models.deleteMany({ where: { id } });
      if (count === 0) throw notFound(id);
    },

    async recordMemory(id, memoryBytes) {
      await models.updateMany({ where: { id }, data: { memoryBytes: BigInt(Math.round(memoryBytes)) } });
    },

    async recordLoaded(id, at, memoryBytes) {
      const memory = memoryBytes === null ? {} : { memoryBytes: BigInt(Math.round(memoryBytes)) };
      const { count } = await models.updateMany({ where: { id }, data: { lastLoadedAt: at, loadCount: { increment: 1 }, ...memory } });
      if (count === 0) throw notFound(id);
    },
  };
}
