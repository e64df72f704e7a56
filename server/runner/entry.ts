// Runner process entry (forked by process-runner.ts): owns one model's onnxruntime sessions and answers the parent over IPC.
import type { InferenceSession } from 'onnxruntime-node';
import { toEaselError } from '../core/errors.js';
import { MODEL_PARTS, type Device, type ModelPart } from '../core/ports.js';
import { quietOnnxRuntime, threadCount } from './device.js';
import { GenerationSlot } from './generation-slot.js';
import { readModelFolder } from './model-folder.js';
import { assertConfined } from './confinement.js';
import { openModel, releaseSessions } from './model-sessions.js';
import { preparePipeline, readPipelineFiles, type LoadedPipeline } from './pipeline/loaded-pipeline.js';
import { isParentMessage, type ChildMessage, type ParentMessage } from './protocol.js';
import { measureRunnerMemory } from './runner-memory.js';
import { warmUpOnnxRuntime } from './onnx-warm-up.js';

type Stage = 'idle' | 'loading' | 'loaded';

let stage: Stage = 'idle';
let sessions = new Map<ModelPart, InferenceSession>();
let device: Device | undefined;
let pipeline: LoadedPipeline | undefined;
let stopRequested = false;

/** Resolves once the message is handed to the channel; create() blocks the event loop, so flush before it. */
function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

const generations = new GenerationSlot(send);

async function releaseAndExit(): Promise<never> {
  await generations.stop();
  await releaseSessions(sessions);
  process.exit(0);
}

function partOf(details: Record<string, unknown> | undefined): ModelPart | undefined {
  const part = details?.part;
  return MODEL_PARTS.find((p) => p === part);
}

async function load(message: Extract<ParentMessage, { type: 'load' }>): Promise<void> {
  if (stage !== 'idle') {
    const message = 'this runner already holds a model; start another runner for another load';
    return send({ type: 'error', code: 'BUSY', message });
  }
  stage = 'loading';
  try {
    // Checked at every load: a part swapped for a link since registration must not be opened.
    await assertConfined(message.modelPath);
    const folder = await readModelFolder(message.modelPath);
    const files = readPipelineFiles(message.modelPath);
    // Awaited only after the sessions open; a failure before then must not surface as an unhandled rejection.
    files.catch(() => undefined);
    const opened = await openModel(folder, message.device, threadCount(process.env), {
      progress: (progress) => send({ type: 'progress', progress }),
      probe: (probeDevice, skipped) => send({ type: 'probe', device: probeDevice, skipped }),
      stopRequested: () => stopRequested,
    });
    try {
      pipeline = preparePipeline(await files, opened.sessions, opened.model);
    } catch (error) {
      await releaseSessions(opened.sessions);
      throw error;
    }
    sessions = opened.sessions;
    device = opened.model.device;
    if (stopRequested) return releaseAndExit();
    stage = 'loaded';
    await send({ type: 'loaded', model: opened.model });
  } catch (error) {
    stage = 'idle';
    if (stopRequested) return releaseAndExit();
    const failure = toEaselError(error);
    const part = partOf(failure.details);
    await send({ type: 'error', code: failure.code, message: failure.message, ...(part ? { part } : {}) });
  }
}

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'load':
      return load(message);
    case 'memory':
      return send({ type: 'memory', requestId: message.requestId, memory: await measureRunnerMemory(device) });
    case 'generate':
      return generations.run(stage === 'loaded' ? pipeline : undefined, [message.request]);
    case 'generate-batch':
      return generations.run(stage === 'loaded' ? pipeline : undefined, message.requests);
    case 'cancel-job':
      return generations.cancel(message.jobId);
    case 'dispose':
      stopRequested = true;
      // A load in progress notices the flag between parts and exits itself.
      if (stage !== 'loading') await releaseAndExit();
      return;
  }
}

if (!process.send) {
  console.error('server/runner/entry.ts is started by the GPU server with an IPC channel; it cannot run on its own.');
  process.exit(1);
}

process.on('message', (raw: unknown) => {
  if (!isParentMessage(raw)) {
    void send({ type: 'error', code: 'INTERNAL', message: `runner received an unknown message: ${JSON.stringify(raw)}` });
    return;
  }
  handle(raw).catch((error: unknown) => {
    const failure = toEaselError(error);
    void send({ type: 'error', code: failure.code, message: failure.message });
  });
});

// The parent is gone (crashed or killed): nobody can stop this process, so give the memory back now.
process.on('disconnect', () => {
  stopRequested = true;
  if (stage !== 'loading') void releaseAndExit();
});

quietOnnxRuntime(process.env);
// A runner usually waits (as the server's spare) before its load arrives: spend that time on onnxruntime's start-up.
void warmUpOnnxRuntime();
