// The baseline for the load figure: a plain script that opens a model's parts with onnxruntime's
// InferenceSession.create — same files, same session options as the runner — and reports how long it took.
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { sessionOptions } from '../server/runner/device.js';

export interface BareCreateRequest {
  files: string[];
  threads: number;
}

export interface BareCreateResult {
  /** Sum over the parts of the time inside InferenceSession.create. */
  createMs: number;
  /** From this process's start to the last session opened (node start-up and the onnxruntime import included). */
  sinceStartMs: number;
}

process.once('message', async (request: BareCreateRequest) => {
  let createMs = 0;
  const sessions = [];
  for (const file of request.files) {
    const started = performance.now();
    sessions.push(await ort.InferenceSession.create(file, sessionOptions('cpu', request.threads)));
    createMs += performance.now() - started;
  }
  const result: BareCreateResult = { createMs, sinceStartMs: performance.now() };
  await Promise.all(sessions.map((s) => s.release()));
  process.send!(result, () => process.exit(0));
});
