// A lifecycle call meant for another node (models.load { node }): sent to that node's URL with the caller's own
// token and actor, so its role gate, audit row and errors are the same as if the caller had asked it directly.
import { createEaselClient, easelCodeOf } from '../../client/index.js';
import { ERROR_CODES, EaselError, type EaselErrorCode } from '../core/errors.js';
import type { Actor } from '../core/ports.js';
import type { ModelsStatus } from '../core/model-manager.js';
import type { NodeView } from './node-presence.js';

export interface Caller {
  token: string | undefined;
  actor: Actor;
}

export async function loadOnNode(node: NodeView, input: { id: string; keepAlive?: number }, caller: Caller): Promise<ModelsStatus> {
  if (!node.alive) throw new EaselError('BUSY', `Node "${node.name}" is ${node.liveness}; load the model on a live node (see nodes.list)`);
  const client = createEaselClient({ url: `${node.url}/trpc`, token: caller.token, actor: caller.actor === 'ui' ? 'ui' : 'script' });
  const request: { id: string; keepAlive?: number; node: string } = { id: input.id, node: node.name };
  if (input.keepAlive !== undefined) request.keepAlive = input.keepAlive;
  try {
    return (await client.models.load.mutate(request)) as ModelsStatus;
  } catch (error) {
    const code = easelCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code && (ERROR_CODES as readonly string[]).includes(code)) throw new EaselError(code as EaselErrorCode, message);
    throw new EaselError('BUSY', `Node "${node.name}" could not be reached at ${node.url}: ${message}`);
  }
}
