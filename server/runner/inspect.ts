// Describes a model folder without keeping it loaded: a throwaway runner opens every part on cpu, then stops.
import { EaselError, isEaselError } from '../core/errors.js';
import type { ModelDescription, RunnerFactory } from '../core/ports.js';

export async function inspectModel(factory: RunnerFactory, modelPath: string, signal?: AbortSignal): Promise<ModelDescription> {
  const runner = factory.spawn();
  try {
    const loaded = await runner.load({ modelPath, device: 'cpu' }, signal ? { signal } : {});
    const { device: _device, deviceNote: _note, ...description } = loaded;
    return description;
  } catch (error) {
    if (isEaselError(error, 'CANCELLED')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new EaselError('INVALID_MODEL', message, { cause: error });
  } finally {
    await runner.stop();
  }
}
