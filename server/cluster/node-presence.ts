// This GPU server's place among the nodes sharing a PostgreSQL database: it joins under its name (refused when a
// live node already has that name, or when the database's schema differs from the one this node knows), sends a
// heartbeat with its resident models, budget and queue depth, and says goodbye on a graceful stop.
import { EaselError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { NodeRecord, NodeRepository, NodeState } from '../db/node-repository.js';
import { livenessOf, type Liveness } from './node-liveness.js';

export interface NodeIdentity {
  name: string;
  url: string;
  device: string;
  version: string;
  /** The newest migration this node's code knows. */
  schemaVersion: string;
}

export interface NodeView extends Omit<NodeRecord, 'state'>, NodeState {
  liveness: Liveness;
  alive: boolean;
}

export interface NodePresenceDeps {
  repository: NodeRepository;
  identity: NodeIdentity;
  state(): NodeState;
  heartbeatMs: number;
  logger: Logger;
  now?: () => Date;
}

export class NodePresence {
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => Date;

  constructor(private readonly deps: NodePresenceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get name(): string {
    return this.deps.identity.name;
  }

  /** Registers this node, or refuses (INVALID_INPUT naming the variable or the versions), then starts the heartbeat. */
  async join(): Promise<void> {
    const { repository, identity, heartbeatMs } = this.deps;
    // Schema first: a node that doesn't know the database's newest migration must not write to it.
    const unknown = (await repository.appliedMigrations()).filter((name) => name > identity.schemaVersion);
    if (unknown.length > 0) {
      throw new EaselError(
        'INVALID_INPUT',
        `This node's database schema is ${identity.schemaVersion}, but the database is at ${unknown.sort().at(-1)}: update this node's Easel before it joins`,
      );
    }
    const now = this.now();
    for (const other of await repository.list()) {
      if (livenessOf(other, now.getTime(), heartbeatMs) !== 'alive') continue;
      // A fresh row under this name is either another running node or this node's own, left by a crash a moment
      // ago: only a running node's heartbeat moves on.
      if (other.name === identity.name && (await this.stillBeating(other))) {
        throw new EaselError(
          'ALREADY_EXISTS',
          `A node named "${identity.name}" is already running (${other.url}, last heartbeat ${Math.round((now.getTime() - other.heartbeatAt.getTime()) / 1000)} s ago); give this one another EASEL_NODE_NAME`,
        );
      }
      if (other.name !== identity.name && other.schemaVersion !== identity.schemaVersion) {
        throw new EaselError(
          'INVALID_INPUT',
          `Node "${other.name}" runs database schema ${other.schemaVersion} and this node ${identity.schemaVersion}: run the same Easel version on every node`,
        );
      }
    }
    await repository.join({ ...identity, startedAt: now, heartbeatAt: now, state: this.deps.state() });
    this.timer = setInterval(() => void this.beat(), heartbeatMs);
    this.timer.unref();
  }

  /** Every node this database knows, with whether it is alive, lost (3 heartbeats missed) or stopped. */
  async list(): Promise<NodeView[]> {
    const now = this.now().getTime();
    return (await this.deps.repository.list()).map(({ state, ...node }) => {
      const liveness = livenessOf(node, now, this.deps.heartbeatMs);
      return { ...node, ...state, liveness, alive: liveness === 'alive' };
    });
  }

  async leave(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.deps.repository.stop(this.name, this.now()).catch((error: unknown) => this.deps.logger.warn('could not record the node stop', { error: String(error) }));
  }

  private async stillBeating(node: NodeRecord): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, this.deps.heartbeatMs * 1.5));
    const now = await this.deps.repository.find(node.name);
    return now !== null && now.stoppedAt === null && now.heartbeatAt.getTime() > node.heartbeatAt.getTime();
  }

  private async beat(): Promise<void> {
    try {
      await this.deps.repository.beat(this.name, this.now(), this.deps.state());
    } catch (error) {
      // Missed beats make the others see this node as lost, which is the truth while its database is unreachable.
      this.deps.logger.warn('heartbeat failed', { node: this.name, error: String(error) });
    }
  }
}
