// Opens a model's onnxruntime sessions part by part (choosing the device on the first part), never leaving half of them open.
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { EaselError, toEaselError } from '../core/errors.js';
import type { Device, DevicePreference, LoadedModel, LoadProgress, ModelPart, PartInfo } from '../core/ports.js';
import { candidateDevices, describeDeviceFailure, sessionOptions } from './device.js';
import type { ModelFolder } from './model-folder.js';
import { checkTensorContract } from './tensor-contract.js';

export interface LoadHooks {
  /** Resolves once the parent can see the message, so a crash in the next create is pinned on the right part. */
  progress(progress: LoadProgress): Promise<void>;
  probe(device: Device, skipped: string[]): Promise<void>;
  /** Checked between parts: the parent asked the runner to stop. */
  stopRequested(): boolean;
}

export interface OpenModel {
  sessions: Map<ModelPart, InferenceSession>;
  model: LoadedModel;
}

async function openPart(part: ModelPart, file: string, device: Device, threads: number): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, sessionOptions(device, threads));
  } catch (error) {
    const cause = describeDeviceFailure(device, error);
    if (device === 'cpu') {
      throw new EaselError('INVALID_MODEL', `${part}/model.onnx could not be opened by onnxruntime: ${cause}`, { cause: error });
    }
    throw new EaselError('LOAD_FAILED', `${part}/model.onnx could not be opened on ${device}: ${cause}`, { cause: error });
  }
}

/** Tries each candidate device on the first part; the first that opens it is used for every part. */
async function openOnFirstWorkingDevice(
  part: ModelPart,
  file: string,
  preference: DevicePreference,
  threads: number,
  hooks: LoadHooks,
): Promise<{ session: InferenceSession; device: Device; skipped: string[] }> {
  const candidates = candidateDevices(preference);
  const skipped: string[] = [];
  for (const [index, device] of candidates.entries()) {
    if (preference === 'auto') await hooks.probe(device, [...skipped]);
    try {
      return { session: await openPart(part, file, device, threads), device, skipped };
    } catch (error) {
      if (index === candidates.length - 1) throw error;
      skipped.push(`${device}: ${describeDeviceFailure(device, error)}`);
    }
  }
  throw new EaselError('INTERNAL', `no device to try for preference ${preference}`);
}

export async function releaseSessions(sessions: Map<ModelPart, InferenceSession>): Promise<void> {
  await Promise.allSettled([...sessions.values()].map((session) => session.release()));
  sessions.clear();
}

function failureOf(error: unknown, part: ModelPart | undefined): EaselError {
  const failure = toEaselError(error);
  if (part === undefined) return failure;
  const details = { ...failure.details, part };
  return new EaselError(failure.code, failure.message, { cause: failure.cause ?? failure, details });
}

/** Opens every part in load order; on any failure releases what was opened and throws an EaselError with details.part. */
export async function openModel(
  folder: ModelFolder,
  preference: DevicePreference,
  threads: number,
  hooks: LoadHooks,
): Promise<OpenModel> {
  const sessions = new Map<ModelPart, InferenceSession>();
  const parts: PartInfo[] = [];
  let device: Device | undefined;
  let skipped: string[] = [];
  let current: ModelPart | undefined;
  try {
    for (const [index, part] of folder.parts.entries()) {
      if (hooks.stopRequested()) throw new EaselError('CANCELLED', `loading ${folder.path} was stopped before ${part}`);
      current = part;
      await hooks.progress({ part, index, count: folder.parts.length, fraction: index / folder.parts.length });
      const file = folder.files[part]!;
      let session: InferenceSession;
      if (device === undefined) {
        ({ session, device, skipped } = await openOnFirstWorkingDevice(part, file, preference, threads, hooks));
      } else {
        session = await openPart(part, file, device, threads);
      }
      sessions.set(part, session);
      parts.push(checkTensorContract(part, session.inputMetadata, session.outputMetadata));
    }
  } catch (error) {
    await releaseSessions(sessions);
    throw failureOf(error, current);
  }
  const model: LoadedModel = { ...folder.config, parts, device: device! };
  if (skipped.length > 0) model.deviceNote = `auto chose ${device}; ${skipped.join('; ')}`;
  return { sessions, model };
}
