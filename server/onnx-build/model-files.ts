// Writes a serialized ONNX model (and its external-data file) into a model part's folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphBuilder, SerializeOptions } from './graph-builder.js';

export async function writeOnnxModel(dir: string, graph: GraphBuilder, options: SerializeOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { model, externalData } = graph.serialize(options);
  await writeFile(join(dir, 'model.onnx'), model);
  if (externalData && options.externalData) await writeFile(join(dir, options.externalData.fileName), externalData);
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
