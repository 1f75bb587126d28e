import { sql } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { Store } from './open-store.js';

/**
 * What one node tells the others sharing its database:
 * - `settings`: accounts, keys, credentials, limits, prices, routes, sender numbers or webhook
 *   settings changed through the API: drop or reload the caches of them;
 * - `opt-outs`: an opt-out was added or removed (API or an inbound STOP/START);
 * - `released`: a node stopped and gave up its leases: take over its messages and events now,
 *   not at the next sweep.
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
