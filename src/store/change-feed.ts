import { sql } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { Store } from './open-store.js';

/**
 * What one node tells the others sharing its database:
 * - `settings`: accounts, keys, credentials, limits, prices, routes, sender numbers or webhook
 *   settings changed through the API: drop or reload the caches of them;
 * - `opt-outs`: an opt-out was added or removed (API or an inbound STOP/START);
 * - `released`: a node stopped and gave up its leases, or handed messages over to the nodes
 *   holding their connector's binds: take them over now, not at the next sweep.
 */
export type ChangeTopic = 'settings' | 'opt-outs' | 'released';

const COALESCE_MS = 50;

/**
 * Changes made on one node reach every node within a second: PostgreSQL NOTIFY on the database's
 * channel, LISTENed to on a connection of its own. A node ignores its own notices. Handlers of one
 * topic run once per burst (a bulk import is one reload, not thousands). With SQLite there is one
 * node and publishing does nothing.
 */
export class ChangeFeed {
  private readonly handlers = new Map<ChangeTopic, (() => Promise<void> | void)[]>();
  private readonly waiting = new Set<ChangeTopic>();
  private timer: NodeJS.Timeout | undefined;
  /** Topics `publishSoon` is about to send (one notice per burst). */
  private readonly outgoing = new Set<ChangeTopic>();
  private outgoingTimer: NodeJS.Timeout | undefined;
  private closeListener: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: Store,
    private readonly nodeId: string,
    private readonly logger: Logger,
  ) {}

  on(topic: ChangeTopic, handler: () => Promise<void> | void): void {
    const list = this.handlers.get(topic) ?? [];
    list.push(handler);
    this.handlers.set(topic, list);
  }

  async start(): Promise<void> {
    if (!this.store.listenForChanges) return;
    this.closeListener = await this.store.listenForChanges((payload) => this.heard(payload));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.outgoingTimer) clearTimeout(this.outgoingTimer);
    this.outgoingTimer = undefined;
    this.outgoing.clear();
    await this.closeListener?.();
    this.closeListener = undefined;
  }

  /** Tells the other nodes; never fails the change that was already made (they re-read on their sweeps). */
  async publish(topic: ChangeTopic): Promise<void> {
    const channel = this.store.changeChannel;
    if (!channel) return;
    const payload = JSON.stringify({ node: this.nodeId, topic });
    await sql`SELECT pg_notify(${channel}, ${payload})`
      .execute(this.store.db)
      .catch((error) =>
        this.logger.warn({ err: error, topic }, 'could not tell the other nodes of a change'),
      );
  }

  /** Publishes `topic` within COALESCE_MS, once however often it is asked for meanwhile. */
  publishSoon(topic: ChangeTopic): void {
    if (!this.store.changeChannel) return;
    this.outgoing.add(topic);
    this.outgoingTimer ??= setTimeout(() => {
      this.outgoingTimer = undefined;
      const topics = [...this.outgoing];
      this.outgoing.clear();
      for (const each of topics) void this.publish(each);
    }, COALESCE_MS);
  }

  private heard(payload: string): void {
    let notice: { node?: unknown; topic?: unknown };
    try {
      notice = JSON.parse(payload);
    } catch {
      return;
    }
    if (notice.node === this.nodeId || !this.handlers.has(notice.topic as ChangeTopic)) return;
    this.waiting.add(notice.topic as ChangeTopic);
    this.timer ??= setTimeout(() => void this.run(), COALESCE_MS);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    const topics = [...this.waiting];
    this.waiting.clear();
    for (const topic of topics) {
      for (const handler of this.handlers.get(topic) ?? []) {
        try {
          await handler();
        } catch (error) {
          this.logger.error({ err: error, topic }, 'could not apply a change another node made');
        }
      }
    }
  }
}
