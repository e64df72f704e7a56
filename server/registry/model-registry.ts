// The model registry service: registers folders (confined to the model roots, every part opened and checked
// by a runner), lists, removes (never while in use) and scans the roots for new models.
import { basename } from 'node:path';
import { BoundedPool } from '../core/bounded-pool.js';
import { EaselError, toEaselError } from '../core/errors.js';
import type { ModelDescription } from '../core/ports.js';
import type { ModelRecord, ModelRepository } from '../db/model-repository.js';
import type { ModelRoots } from './model-roots.js';

export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface RegistryDeps {
  roots: ModelRoots;
  repository: ModelRepository;
  /** Opens every part of a folder in a runner; throws INVALID_MODEL naming the bad part. */
  inspect: (path: string, signal?: AbortSignal) => Promise<ModelDescription>;
  /** Runs `action` unless the model is in use (the ModelManager's queue). */
  whileNotInUse: <T>(modelId: string, action: () => Promise<T>) => Promise<T>;
  defaultSampler: string;
  /** Where inspections wait their turn; defaults to INSPECTION_LIMITS. */
  inspections?: BoundedPool;
}

/**
 * Each inspection forks a runner that opens every part of the model: two at a time keeps a burst of
 * registrations from filling memory with processes; the timeout matches a load's (EASEL_LOAD_TIMEOUT's default).
 */
export const INSPECTION_LIMITS = { concurrency: 2, maxQueued: 200, timeoutMs: 5 * 60_000 } as const;

export interface ScanResult {
  added: ModelRecord[];
  failed: Array<{ path: string; error: string; code: string }>;
  alreadyRegistered: number;
}

/** A registry id from a folder name: lower case, safe characters, at most 64 of them. */
export function modelIdFromName(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  if (!MODEL_ID_PATTERN.test(id)) throw new EaselError('INVALID_INPUT', `Cannot derive a model id from "${name}"; pass an id`);
  return id;
}

export class ModelRegistry {
  private readonly inspections: BoundedPool;

  constructor(private readonly deps: RegistryDeps) {
    this.inspections = deps.inspections ?? new BoundedPool({ ...INSPECTION_LIMITS, name: 'model inspection', timeoutCode: 'INVALID_MODEL' });
  }

  list(): Promise<ModelRecord[]> {
    return this.deps.repository.list();
  }

  get(id: string): Promise<ModelRecord> {
    return this.deps.repository.get(id);
  }

  async register(input: { path: string; name?: string; id?: string }, signal?: AbortSignal): Promise<ModelRecord> {
    const { roots, repository, inspect, defaultSampler } = this.deps;
    const folder = await roots.resolveFolder(input.path);
    const id = input.id ?? modelIdFromName(input.name ?? basename(folder));
    if (await repository.findByPath(folder)) {
      throw new EaselError('ALREADY_EXISTS', `The folder ${folder} is already registered`);
    }
    if (await repository.find(id)) throw new EaselError('ALREADY_EXISTS', `A model with id "${id}" is already registered`);
    const sizeBytes = await roots.folderSize(folder);
    let description: ModelDescription;
    try {
      description = await this.inspections.run(folder, (bounded) => inspect(folder, bounded), signal);
    } catch (error) {
      throw toEaselError(error, 'INVALID_MODEL');
    }
    return repository.create({
      id,
      name: input.name ?? basename(folder),
      path: folder,
      kind: 'onnx-diffusers',
      sampleSize: description.sampleSize,
      defaultSampler,
      sizeBytes,
      description,
    });
  }

  async remove(id: string): Promise<ModelRecord> {
    const record = await this.deps.repository.get(id);
    return this.deps.whileNotInUse(id, async () => {
      await this.deps.repository.remove(id);
      return record;
    });
  }

  /** Registers every folder under the roots that holds a model_index.json and isn't registered yet. */
  async scan(signal?: AbortSignal): Promise<ScanResult> {
    const result: ScanResult = { added: [], failed: [], alreadyRegistered: 0 };
    for (const folder of await this.deps.roots.candidates()) {
      if (signal?.aborted) break;
      try {
        const real = await this.deps.roots.resolveFolder(folder);
        if (await this.deps.repository.findByPath(real)) {
          result.alreadyRegistered += 1;
          continue;
        }
        result.added.push(await this.register({ path: real }, signal));
      } catch (error) {
        const failure = toEaselError(error);
        result.failed.push({ path: folder, error: failure.message, code: failure.code });
      }
    }
    return result;
  }
}
