import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import {
  accountsWithUnclaimedEvents,
  type ClaimedPage,
  claimEvents,
  claimPendingEventsOfAccount,
  type LocalOnly,
  releaseEventLeases,
  renewEventLeases,
} from '../store/queries/event-leases.js';
import { loadPendingEventsOfAccount, type PendingEvent } from '../store/queries/events.js';

/** This node's name on leases and how long one lasts. */
export interface NodeLease {
  readonly owner: string;
  readonly ms: number;
}

/**
 * Which pending events this node delivers. On PostgreSQL several nodes share the events table: a
 * node delivers an event only once it holds its lease (store/queries/event-leases.ts), renews its
 * leases a third of a lease at a time, and sweeps for events nobody holds (their node stopped or
 * died, or an earlier event of the same message was in the way). With SQLite there is one node:
 * every event is this node's and nothing is written for it.
 */
export class EventClaims {
  private timer: NodeJS.Timeout | undefined;
  private onUnclaimed: ((accountIds: readonly string[]) => void) | undefined;
  /** Claims run one after another, so events reach memory in the order they were written. */
  private claiming: Promise<unknown> = Promise.resolve();
  /**
   * URLs only some nodes can deliver to (`smpp:<account>`: the client's bind is on one node):
   * this node claims those events only for the URLs `here` lists.
   */
  private localOnly: { prefix: string; here: () => readonly string[] } | undefined;

  constructor(
    private readonly store: Store,
    private readonly lease: NodeLease | undefined,
    private readonly logger: Logger,
  ) {}

  /** Claims events whose URL starts with `prefix` only for the URLs `here` returns at the time. */
  deliverLocallyOnly(prefix: string, here: () => readonly string[]): void {
    this.localOnly = { prefix, here };
  }

  /** Whether `url` is one this node may be unable to deliver to (another node may have to). */
  isLocalOnly(url: string): boolean {
    return this.localOnly !== undefined && url.startsWith(this.localOnly.prefix);
  }

  private local(): LocalOnly | undefined {
    return this.localOnly && { prefix: this.localOnly.prefix, here: this.localOnly.here() };
  }

  get clustered(): boolean {
    return this.lease !== undefined && this.store.dialect === 'postgres';
  }

  /** Claims events this node just wrote; `then` gets those it holds (all of them with one node). */
  claim(
    events: readonly PendingEvent[],
    then: (held: readonly PendingEvent[], refused: boolean) => void,
  ): void {
    if (!this.clustered) {
      then(events, false);
      return;
    }
    this.claiming = this.claiming.then(async () => {
      try {
        const now = Date.now();
        const held = await claimEvents(
          this.store,
          this.leaseAt(now),
          now,
          events.map((e) => e.seq),
          this.local(),
        );
        then(
          events.filter((e) => held.has(e.seq)),
          held.size < events.length,
        );
      } catch (error) {
        // Left unclaimed in the store: the sweep finds them.
        this.logger.error({ err: error }, 'could not claim new webhook events; the sweep will');
        then([], true);
      }
    });
  }

  /**
   * One account's pending events after `afterSeq`, claimed for this node (refill and takeover),
   * with whether more may follow (`full`) and where the next page starts.
   */
  async page(accountId: string, afterSeq: number, limit: number): Promise<ClaimedPage> {
    if (!this.clustered) {
      const events = await loadPendingEventsOfAccount(this.store, accountId, afterSeq, limit);
      return { events, full: events.length >= limit, lastSeq: events.at(-1)?.seq ?? afterSeq };
    }
    const now = Date.now();
    return claimPendingEventsOfAccount(
      this.store,
      this.leaseAt(now),
      now,
      accountId,
      afterSeq,
      limit,
      this.local(),
    );
  }

  /** Renews this node's leases and reports accounts with events nobody holds, a third of a lease apart. */
  start(onUnclaimed: (accountIds: readonly string[]) => void): void {
    if (!this.clustered || !this.lease) return;
    this.onUnclaimed = onUnclaimed;
    this.timer = setInterval(() => void this.sweep(), Math.max(1000, Math.floor(this.lease.ms / 3)));
    this.timer.unref();
  }

  /** Renews and looks for unheld events now (also when another node says it released its own). */
  async sweep(): Promise<void> {
    if (!this.clustered || !this.onUnclaimed) return;
    try {
      const now = Date.now();
      await renewEventLeases(this.store, this.leaseAt(now), this.local());
      this.onUnclaimed(await accountsWithUnclaimedEvents(this.store, now));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew webhook event leases');
    }
  }

  /** On a clean stop: this node's pending events are free for the others at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.onUnclaimed = undefined;
    await this.claiming;
    if (!this.clustered || !this.lease) return;
    await releaseEventLeases(this.store, this.lease.owner).catch((error) =>
      this.logger.warn({ err: error }, 'could not release webhook event leases; they lapse on their own'),
    );
  }

  private leaseAt(now: number) {
    const lease = this.lease!;
    return { owner: lease.owner, until: now + lease.ms };
  }
}
