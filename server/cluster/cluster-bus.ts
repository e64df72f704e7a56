// Messages between the nodes of a cluster over PostgreSQL LISTEN/NOTIFY: a job's progress and end (pg-boss has no
// progress API), cancel requests for a job running on another node (pg-boss doesn't signal a running handler), and
// a nudge when a job is queued. One dedicated connection listens and sends; it reconnects when it drops.
import pg from 'pg';
import type { JobEvent } from '../core/generation/job-events.js';
import type { Logger } from '../core/ports.js';

const CHANNEL = 'easel_cluster';
/** PostgreSQL's NOTIFY payload limit is 8000 bytes; previews that don't fit are left out of the relayed event. */
const MAX_PAYLOAD = 7900;
const RECONNECT_MS = 1000;

export type ClusterMessage =
  | { kind: 'job'; node: string; event: JobEvent }
  | { kind: 'cancel'; id: string; reason: string }
  | { kind: 'queued'; modelId: string }
  | { kind: 'jobs-changed'; node: string };

export class ClusterBus {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<(message: ClusterMessage) => void>();
  private closed = false;
  private connecting: Promise<void> | null = null;
  /** Sends one at a time, in order: a job's events must arrive in the order they happened. */
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async open(): Promise<void> {
    await this.connect();
  }

  subscribe(listener: (message: ClusterMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends to every node, this one included. Best effort: a message lost while reconnecting is logged. */
  async publish(message: ClusterMessage): Promise<void> {
    let payload = JSON.stringify(message);
    if (payload.length > MAX_PAYLOAD && message.kind === 'job' && message.event.status === 'running') {
      const { previewPng: _dropped, ...event } = message.event;
      payload = JSON.stringify({ ...message, event });
    }
    const send = async () => {
      try {
        if (!this.client) await this.connect();
        await this.client!.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
      } catch (error) {
        this.logger.warn('a cluster message could not be sent', { kind: message.kind, error: String(error) });
      }
    };
    this.sending = this.sending.then(send);
    return this.sending;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString, application_name: 'easel-cluster-bus' });
      client.on('notification', (note) => {
        if (note.channel !== CHANNEL || !note.payload) return;
        let message: ClusterMessage;
        try {
          message = JSON.parse(note.payload) as ClusterMessage;
        } catch {
          return;
        }
        for (const listener of this.listeners) listener(message);
      });
      client.on('error', (error) => {
        this.logger.warn('cluster connection lost; reconnecting', { error: String(error) });
        if (this.client === client) this.client = null;
        client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void this.connect().catch(() => undefined), RECONNECT_MS).unref();
      });
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
