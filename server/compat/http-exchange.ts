// Reading and answering plain JSON over node:http for the compatibility APIs: a bounded body, a JSON reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EaselError } from '../core/errors.js';
import { refusal } from './compat-errors.js';

/** The request body, refused past `limit` bytes without reading the rest. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): EaselError {
  return new EaselError('INVALID_INPUT', `The request body is larger than ${Math.round(limit / (1024 * 1024))} MiB`);
}

/**
 * A JSON object body; an empty one counts as {} (A1111 clients POST /interrupt with none). Anything else must say
 * application/json: a browser form can't, so a cross-site form never reaches the handlers.
 */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const mediaType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const body = await readBody(req, limit);
  if (mediaType !== 'application/json' && (mediaType !== undefined || body.length > 0)) {
    throw refusal(415, 'INVALID_INPUT', `This endpoint takes Content-Type: application/json (got ${mediaType ? `"${mediaType.slice(0, 100)}"` : 'none'})`);
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EaselError('INVALID_INPUT', `The request body is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EaselError('INVALID_INPUT', 'The request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

/** Aborts once the client has gone away without waiting for the reply. */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
