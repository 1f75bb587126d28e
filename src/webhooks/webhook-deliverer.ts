import type { Config } from '../config/schema.js';
import { type BackoffPolicy, backoffDelayMs } from '../core/backoff.js';
import type { Logger } from '../core/logger.js';
import { MinHeap } from '../core/min-heap.js';
import { GroupCommitter } from '../queue/group-commit.js';
import type { Store } from '../store/open-store.js';
import { findSigningCredential } from '../store/queries/credentials.js';
import {
  accountsWithPendingEvents,
  type EventOutcome,
  loadEventForDelivery,
  type PendingEvent,
  storeEventOutcomes,
} from '../store/queries/events.js';
import type { AccountBacklog } from './account-backlog.js';
import { acknowledgedVerdict, describeOutcome } from './delivery-outcome.js';
import { Destination } from './destination.js';
import { EventClaims, type NodeLease } from './event-claims.js';
import { EventMemory } from './event-memory.js';
import { nativeFormat } from './formats/native-format.js';
import { splitFormat } from './formats/payload-format.js';
import { PAYLOAD_FORMATS } from './formats/payload-formats.js';
import { SIGNATURE_HEADERS, signatureHeaders } from './signing.js';
import type { WebhookOutcome, WebhookRequest } from './webhook-request.js';

/** What the deliverer sends requests with (the guarded HTTP client; tests may pass the same). */
export interface WebhookPoster {
  post(request: WebhookRequest): Promise<WebhookOutcome>;
}

export interface WebhookCounters {
  delivered: number;
  failedAttempts: number;
  dead: number;
  skipped: number;
}

const REFILL_PAGE = 1000;

/**
 * After an attempt: `done` (settled, or no longer this deliverer's), `wait` (its own back-off: due
 * later), `requeue` (back to the front of its destination's queue, for when the circuit allows).
 */
type Next = 'done' | 'wait' | 'requeue';

/**
 * Delivers the events outbox.
 *
 * - Order: events with the same order key (one message) go out strictly one after another in
 *   `seq` order; different keys go in parallel.
 * - Destinations: a destination is one account's events to one origin, with at most
 *   `concurrencyPerDestination` deliveries at a time and a circuit. An answer that says the receiver
 *   is down (no answer, 5xx, 429) opens the circuit for the shared back-off (one trip however many
 *   requests were in flight); then one probe goes, and once one succeeds the waiting events flow at
 *   full concurrency again. Any other refusal (4xx) backs off only that event.
 * - Dead letters: an event not delivered `retryForSeconds` after it became pending is `dead`.
 * - Memory: at most `maxInMemory` events, and per account at most its fair share (and
 *   `maxInMemoryPerAccount`); the rest wait on disk and are read back per account, in order, as
 *   that account's events drain. An account below its share takes room from one above it, so one
 *   account's failing backlog never keeps another's events on disk.
 */
export class WebhookDeliverer {
  private readonly memory: EventMemory;
  private readonly claims: EventClaims;
  private onLeftForOthers: (() => void) | undefined;
  private readonly delivering = new Set<number>();
  private readonly due = new MinHeap<PendingEvent>((e) => e.nextAttemptAt);
  private readonly destinations = new Map<string, Destination>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly replayAfterSettle = new Map<number, PendingEvent>();
  private readonly outcomes: GroupCommitter<EventOutcome>;
  private readonly eventBackoff: BackoffPolicy;
  private readonly destinationBackoff: BackoffPolicy;
  private readonly refillWanted = new Set<string>();
  private refills: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  readonly counters: WebhookCounters = { delivered: 0, failedAttempts: 0, dead: 0, skipped: 0 };

  constructor(
    private readonly store: Store,
    private readonly client: WebhookPoster,
    private readonly config: Config['webhooks'],
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
    /**
     * Deliveries at once to the destination of `url`, when it is not `concurrencyPerDestination`
     * (an SMPP account's binds take as many as their windows hold, not what one HTTP origin should).
     */
    private readonly concurrencyOf: (url: string) => number | undefined = () => undefined,
    /** This node's lease on events when several nodes share a PostgreSQL database. */
    lease?: NodeLease,
  ) {
    this.outcomes = new GroupCommitter((outcomes) => storeEventOutcomes(this.store, outcomes), 1000);
    this.memory = new EventMemory(config.maxInMemory, config.maxInMemoryPerAccount);
    this.claims = new EventClaims(store, lease, logger);
    this.eventBackoff = { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs };
    this.destinationBackoff = { baseMs: config.destinationRetryBaseMs, maxMs: config.destinationRetryMaxMs };
  }

  /** Loads the pending events from the store and starts delivering. */
  async start(): Promise<void> {
    this.running = true;
    for (const accountId of await accountsWithPendingEvents(this.store)) {
      this.memory.accountOf(accountId).onDisk = true;
    }
    for (const account of this.memory.accounts.values()) this.wantRefill(account);
    await this.refills;
    // Other nodes' events, once their node is gone (or an earlier event no longer in the way).
    this.claims.start((accountIds) => {
      for (const accountId of accountIds) this.leftOnDisk(this.memory.accountOf(accountId));
    });
  }

  /** Stops starting deliveries and waits for those in flight (and their outcomes) to be stored. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    for (const destination of this.destinations.values())
      if (destination.timer) clearTimeout(destination.timer);
    await this.refills;
    await Promise.all([...this.inFlight]);
    await this.outcomes.idle();
    await this.claims.stop();
  }

  /** Another node stopped and released its events: take them over now. */
  takeOverReleased(): Promise<void> {
    return this.running ? this.claims.sweep() : Promise.resolve();
  }

  /** Hands over events a replay made pending again (delivered even if an older attempt is settling). */
  replay(events: readonly PendingEvent[]): void {
    this.enqueue(events.map((event) => ({ ...event, replayed: true })));
  }

  /**
   * Events for URLs only some nodes can deliver to (`smpp:<account>`) are claimed here only for
   * the URLs `here` lists; `onLeftForOthers` is told when this node wrote such events it cannot
   * deliver (the gateway wakes the other nodes, one of which has the client's bind).
   */
  deliverLocallyOnly(prefix: string, here: () => readonly string[], onLeftForOthers: () => void): void {
    this.claims.deliverLocallyOnly(prefix, here);
    this.onLeftForOthers = onLeftForOthers;
  }

  /** Hands over events just committed to the store (delivered once this node holds them). */
  enqueue(events: readonly PendingEvent[]): void {
    if (!this.running || events.length === 0) return;
    this.claims.claim(events, (held, refused) => {
      this.offerByAccount(held);
      // What another node holds, or waits behind another node's event, is read back by the sweep.
      if (!refused) return;
      for (const event of events) this.leftOnDisk(this.memory.accountOf(event.accountId));
      if (held.length < events.length && events.some((event) => this.claims.isLocalOnly(event.url)))
        this.onLeftForOthers?.();
    });
  }

  /** Events of one or more accounts, offered one account's run at a time. */
  private offerByAccount(events: readonly PendingEvent[]): void {
    if (!this.running || events.length === 0) return;
    let batch: PendingEvent[] = [];
    let accountId = events[0]!.accountId;
    // Consecutive events of one account go together (a status flush is usually one account's).
    for (const event of events) {
      if (event.accountId !== accountId) {
        this.offer(this.memory.accountOf(accountId), batch);
        batch = [];
        accountId = event.accountId;
      }
      batch.push(event);
    }
    this.offer(this.memory.accountOf(accountId), batch);
  }

  /**
   * The receiver of `url` is known to be back (an SMPP client bound again): closes the circuit of
   * the account's destination for it and delivers what waits there now, instead of at the next probe.
   */
  wakeDestination(accountId: string, url: string): void {
    const { key } = Destination.keyOf({ accountId, url } as PendingEvent);
    const destination = this.destinations.get(key);
    if (!destination) return;
    destination.circuit.recordSuccess();
    if (destination.timer) {
      clearTimeout(destination.timer);
      destination.timer = undefined;
    }
    this.pump(destination);
  }

  /** Events in memory, whether more wait on disk, per account and per destination. */
  status() {
    const now = Date.now();
    return {
      inMemory: this.memory.size,
      onDisk: [...this.memory.accounts.values()].some((a) => a.onDisk),
      ...this.counters,
      accounts: [...this.memory.accounts.values()].map((a) => ({
        accountId: a.accountId,
        inMemory: a.inMemory,
        onDisk: a.onDisk,
      })),
      destinations: [...this.destinations.values()].map((d) => ({
        accountId: d.accountId,
        origin: d.origin,
        active: d.active,
        waiting: d.waiting.length,
        state: d.circuit.state(now),
        trips: d.circuit.trips,
        blockedUntil: d.circuit.state(now) === 'open' ? new Date(d.circuit.openUntil).toISOString() : null,
      })),
    };
  }

  /** Takes an account's new events into memory, or leaves them to the store when there is no room. */
  private offer(account: AccountBacklog, events: readonly PendingEvent[]): void {
    if (account.refilling) {
      // Kept for after the refill, up to what memory could take; past that the store has them.
      if (account.arrived.length + events.length <= this.memory.share()) account.arrived.push(...events);
      else account.overflowed = true;
      return;
    }
    const fresh = events.filter((e) => !this.memory.has(e.seq) || e.replayed);
    if (fresh.length === 0) return;
    if (account.onDisk) {
      // Older events of this account wait on disk: these are read back after them, in order.
      this.wantRefill(account);
      return;
    }
    if (
      account.inMemory + fresh.length > this.memory.share() ||
      !this.memory.makeRoom(fresh.length, account, this.busy)
    ) {
      // From here on the store is this account's queue; a refill reads it back in order (now, if
      // there is room; else when its deliveries have made room).
      account.onDisk = true;
      this.wantRefill(account);
      return;
    }
    for (const event of fresh) this.admit(event);
  }

  /** Heads that must stay in memory: being delivered, or with a replay waiting for it to settle. */
  private readonly busy = (seq: number): boolean =>
    this.delivering.has(seq) || this.replayAfterSettle.has(seq);

  private admit(event: PendingEvent): void {
    if (this.memory.has(event.seq)) {
      // A replay of an event still being settled: deliver it again once that is done.
      if (event.replayed) this.replayAfterSettle.set(event.seq, event);
      return;
    }
    const head = this.memory.admit(event);
    if (head) this.activate(head);
  }

  /** A chain's head: wait for its time, then for its destination. */
  private activate(event: PendingEvent): void {
    if (event.nextAttemptAt <= Date.now()) {
      this.toDestination(event);
      return;
    }
    this.due.push(event);
    this.armTimer();
  }

  private armTimer(): void {
    const next = this.due.peek();
    if (!next || !this.running) return;
    if (this.timer && this.timerAt <= next.nextAttemptAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next.nextAttemptAt;
    this.timer = setTimeout(() => this.releaseDue(), Math.max(0, next.nextAttemptAt - Date.now()));
  }

  private releaseDue(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    while ((this.due.peek()?.nextAttemptAt ?? Number.POSITIVE_INFINITY) <= now) {
      const event = this.due.pop()!;
      if (this.memory.isCurrentHead(event)) this.toDestination(event);
    }
    this.armTimer();
  }

  private toDestination(event: PendingEvent): void {
    const destination = this.destinationOf(event);
    destination.waiting.push(event);
    this.pump(destination);
  }

  private destinationOf(event: PendingEvent): Destination {
    const { key, origin } = Destination.keyOf(event);
    let destination = this.destinations.get(key);
    if (!destination) {
      destination = new Destination(key, event.accountId, origin, this.destinationBackoff, this.random);
      destination.concurrency = this.concurrencyOf(event.url) ?? this.config.concurrencyPerDestination;
      this.destinations.set(key, destination);
    }
    return destination;
  }

  private pump(destination: Destination): void {
    if (!this.running) return;
    const now = Date.now();
    if (destination.circuit.state(now) === 'open') {
      this.wakeAfterOpen(destination, destination.circuit.openUntil - now);
      return;
    }
    let slots = destination.slots(destination.concurrency, now);
    while (slots > 0 && destination.waiting.length > 0) {
      const event = destination.waiting.shift()!;
      if (!this.memory.isCurrentHead(event) || this.delivering.has(event.seq)) continue;
      slots--;
      destination.active++;
      this.delivering.add(event.seq);
      // The slot is the receiver's: it is given back as soon as the receiver has answered, not once
      // the outcome is stored (that commit is shared with other outcomes and can take an fsync).
      let slotHeld = true;
      const giveBackSlot = (): boolean => {
        if (!slotHeld) return false;
        slotHeld = false;
        destination.active--;
        return true;
      };
      const releaseSlot = (): void => {
        if (giveBackSlot()) this.pump(destination);
      };
      const delivery = this.deliver(event, destination, releaseSlot)
        .catch((error: unknown): Next => {
          // Not the receiver's doing (the store could not be read, say): the event stays pending
          // and is tried again after its own back-off; dropping it here would strand it in memory.
          this.logger.error({ err: error, event: event.id }, 'webhook delivery failed; retrying later');
          event.nextAttemptAt =
            Date.now() + backoffDelayMs(this.eventBackoff, event.attempts + 1, this.random);
          return 'wait';
        })
        .then((next) => {
          this.inFlight.delete(delivery);
          this.delivering.delete(event.seq);
          giveBackSlot();
          // Only now that it is no longer being delivered may the event be taken up again.
          if (this.running && next !== 'done' && this.memory.isCurrentHead(event)) {
            if (next === 'requeue') destination.waiting.unshift(event);
            else this.activate(event);
          }
          this.pump(destination);
          this.forgetIfIdle(destination);
        });
      this.inFlight.add(delivery);
    }
    this.forgetIfIdle(destination);
  }

  /** Pumps the destination again when its open period ends (timers may fire early: pump checks). */
  private wakeAfterOpen(destination: Destination, waitMs: number): void {
    if (destination.timer) return;
    destination.timer = setTimeout(
      () => {
        destination.timer = undefined;
        this.pump(destination);
      },
      Math.max(1, waitMs),
    );
  }

  /** Destinations with nothing to do and nothing to remember are dropped (the map stays small). */
  private forgetIfIdle(destination: Destination): void {
    if (
      destination.active === 0 &&
      destination.waiting.length === 0 &&
      destination.circuit.state() === 'closed' &&
      !destination.timer
    ) {
      this.destinations.delete(destination.key);
    }
  }

  /** One attempt; says what becomes of the event after it (see `Next`). */
  private async deliver(
    event: PendingEvent,
    destination: Destination,
    releaseSlot: () => void,
  ): Promise<Next> {
    const startedAt = Date.now();
    const record = await loadEventForDelivery(this.store, event.seq);
    // Delivered meanwhile by another path (a duplicate hand-over): not again, unless replayed.
    if (!record || (record.event.state !== 'pending' && !event.replayed)) {
      this.finish(event);
      return 'done';
    }
    const { name, argument } = splitFormat(record.event.format);
    const format = PAYLOAD_FORMATS[name] ?? nativeFormat;
    // Formats signed with a credential's own secret (Twilio's auth token) name it in their argument.
    const signingCredential = argument.startsWith('cred_')
      ? await findSigningCredential(this.store, argument)
      : null;
    const payload = format(record, { url: event.url, argument, signingCredential });
    const attempts = event.attempts + 1;
    if (!payload) {
      this.counters.skipped++;
      await this.settle(event, { state: 'skipped', attempts: event.attempts, lastError: null });
      return 'done';
    }
    const headers = {
      ...payload.headers,
      ...(record.secret
        ? signatureHeaders(record.secret, record.event.id, payload.body)
        : { [SIGNATURE_HEADERS.eventId]: record.event.id }),
    };
    const outcome = await this.client.post({
      url: sameOrigin(event.url, payload.url) ? payload.url! : event.url,
      method: payload.method ?? 'POST',
      contentType: payload.contentType,
      body: payload.body,
      headers,
      timeoutMs: this.config.timeoutMs,
    });
    const now = Date.now();
    const verdict = acknowledgedVerdict(outcome, payload);
    const error = describeOutcome(outcome);
    // The answer settles the destination's circuit; then the slot is free for the next delivery.
    // An answer of any kind (2xx or 4xx) says the receiver is up; "down" backs the destination off.
    let tripped = false;
    if (verdict === 'delivered' || verdict === 'url_wrong') destination.circuit.recordSuccess();
    if (verdict === 'receiver_down') {
      tripped = destination.circuit.recordFailure(startedAt, now) === 'tripped';
      destination.lastFailure = error;
    }
    releaseSlot();
    if (verdict === 'delivered') {
      this.counters.delivered++;
      await this.settle(event, { state: 'delivered', attempts, lastError: null, deliveredAt: now });
      return 'done';
    }
    if (verdict === 'refused') {
      this.counters.dead++;
      this.logger.warn(
        { event: record.event.id, reason: outcome.detail },
        'webhook refused by the address guard',
      );
      await this.settle(event, { state: 'dead', attempts, lastError: `refused: ${error}` });
      return 'done';
    }
    this.counters.failedAttempts++;
    const deadline = event.pendingSince + this.config.retryForSeconds * 1000;
    if (verdict === 'url_wrong') {
      // The receiver answered: it is up, only this URL or event is refused. This event waits alone.
      const next = now + backoffDelayMs(this.eventBackoff, attempts, this.random);
      if (next > deadline) {
        await this.deadLetter(event, attempts, error);
        return 'done';
      }
      await this.retryLater(event, attempts, next, error);
      return 'wait';
    }
    // The receiver is down: the destination backs off (once per outage) and is probed; this event
    // keeps its place at the front of the destination's queue.
    if (now > deadline) {
      await this.deadLetter(event, attempts, error);
      return 'done';
    }
    await this.retryLater(event, attempts, Math.max(now, destination.circuit.openUntil), error);
    if (tripped) this.deadLetterExpired(destination, now);
    return 'requeue';
  }

  /** Stores a failed attempt; the event stays pending until `nextAttemptAt`. */
  private async retryLater(event: PendingEvent, attempts: number, nextAttemptAt: number, error: string) {
    event.attempts = attempts;
    event.nextAttemptAt = nextAttemptAt;
    await this.outcomes.submit({
      seq: event.seq,
      state: 'pending',
      attempts,
      nextAttemptAt,
      lastError: error,
      deliveredAt: null,
    });
  }

  private async deadLetter(event: PendingEvent, attempts: number, error: string): Promise<void> {
    this.counters.dead++;
    this.logger.warn({ event: event.id, attempts, error }, 'webhook event dead-lettered');
    await this.settle(event, { state: 'dead', attempts, lastError: error });
  }

  /**
   * Events that waited their whole `retryForSeconds` behind a destination that stayed down (never
   * their turn to be the probe) are dead-lettered too; checked at each trip, so within one probe
   * interval of their deadline.
   */
  private deadLetterExpired(destination: Destination, now: number): void {
    const expired: PendingEvent[] = [];
    destination.waiting.filter((event) => {
      if (!this.memory.isCurrentHead(event)) return false;
      if (now - event.pendingSince <= this.config.retryForSeconds * 1000 || this.delivering.has(event.seq))
        return true;
      expired.push(event);
      return false;
    });
    const error = `not delivered within ${this.config.retryForSeconds} s; the receiver is down (${destination.lastFailure})`;
    for (const event of expired) void this.deadLetter(event, event.attempts, error);
  }

  /** Stores a final outcome and moves the event's chain on. */
  private async settle(
    event: PendingEvent,
    outcome: {
      state: EventOutcome['state'];
      attempts: number;
      lastError: string | null;
      deliveredAt?: number;
    },
  ): Promise<void> {
    await this.outcomes.submit({
      seq: event.seq,
      state: outcome.state,
      attempts: outcome.attempts,
      nextAttemptAt: event.nextAttemptAt,
      lastError: outcome.lastError,
      deliveredAt: outcome.deliveredAt ?? null,
    });
    this.finish(event);
  }

  private finish(event: PendingEvent): void {
    const next = this.memory.remove(event);
    const replay = this.replayAfterSettle.get(event.seq);
    if (replay) {
      this.replayAfterSettle.delete(event.seq);
      if (this.running) this.admit(replay);
    }
    if (next && this.running) this.activate(next);
    const account = this.memory.accountOf(event.accountId);
    this.wantRefill(account);
    this.forgetIfDone(account);
  }

  /** An account with nothing in memory or on disk is forgotten; the others' shares grow. */
  private forgetIfDone(account: AccountBacklog): void {
    if (!this.memory.forgetIfDone(account)) return;
    for (const other of this.memory.accounts.values()) this.wantRefill(other);
  }

  /** The store holds events of this account that memory does not: read them back when there is room. */
  private leftOnDisk(account: AccountBacklog): void {
    account.onDisk = true;
    this.wantRefill(account);
  }

  /** Asks for a refill of an account with events on disk, once it has room for a good page of them. */
  private wantRefill(account: AccountBacklog): void {
    if (!this.running || !account.onDisk || account.refilling) return;
    if (account.inMemory > this.memory.share() / 2) return;
    this.refillWanted.add(account.accountId);
    this.refills ??= this.runRefills().finally(() => {
      this.refills = undefined;
    });
  }

  /** Refills one account at a time, in the order they asked. */
  private async runRefills(): Promise<void> {
    for (;;) {
      const next = this.refillWanted.values().next();
      if (next.done) return;
      this.refillWanted.delete(next.value);
      const account = this.memory.accounts.get(next.value);
      if (account && this.running) await this.refill(account);
    }
  }

  /** Reads an account's pending events back from the store, oldest first, until its share is full. */
  private async refill(account: AccountBacklog): Promise<void> {
    account.refilling = true;
    let caughtUp = false;
    try {
      let cursor = 0;
      for (;;) {
        const page = await this.claims.page(account.accountId, cursor, REFILL_PAGE);
        let full = false;
        for (const event of page.events) {
          if (this.memory.has(event.seq)) continue;
          if (account.inMemory >= this.memory.share() || !this.memory.makeRoom(1, account, this.busy)) {
            full = true;
            break;
          }
          this.admit(event);
        }
        if (full) break;
        if (!page.full) {
          caughtUp = true;
          break;
        }
        cursor = page.lastSeq;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not read pending webhook events; retrying in 5 s');
      setTimeout(() => this.wantRefill(account), 5000).unref();
    } finally {
      account.refilling = false;
      const arrived = account.arrived;
      account.arrived = [];
      if (account.overflowed) {
        account.overflowed = false;
        this.wantRefill(account);
      } else if (caughtUp) {
        account.onDisk = false;
        this.offer(account, arrived);
      }
      this.forgetIfDone(account);
    }
  }
}

/** Whether a format's own URL may be called in place of the event's: only on the same origin. */
function sameOrigin(eventUrl: string, payloadUrl: string | undefined): boolean {
  if (payloadUrl === undefined) return false;
  try {
    return new URL(payloadUrl).origin === new URL(eventUrl).origin;
  } catch {
    return false;
  }
}
