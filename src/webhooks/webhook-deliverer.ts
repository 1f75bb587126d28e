import type { Config } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { MinHeap } from '../core/min-heap.js';
import { GroupCommitter } from '../queue/group-commit.js';
import { retryDelayMs } from '../queue/retry-policy.js';
import type { Store } from '../store/open-store.js';
import {
  type EventOutcome,
  loadEventForDelivery,
  loadPendingEvents,
  type PendingEvent,
  storeEventOutcomes,
} from '../store/queries/events.js';
import { nativeFormat } from './formats/native-format.js';
import { PAYLOAD_FORMATS } from './formats/payload-formats.js';
import { SIGNATURE_HEADERS, signatureHeaders } from './signing.js';
import type { WebhookOutcome, WebhookRequest } from './webhook-request.js';

/** What the deliverer sends requests with (the guarded HTTP client; tests may pass the same). */
export interface WebhookPoster {
  post(request: WebhookRequest): Promise<WebhookOutcome>;
}

/** One receiving origin: its concurrency slots, its queue, and its backoff after failures. */
interface Destination {
  readonly origin: string;
  active: number;
  readonly waiting: PendingEvent[];
  failures: number;
  blockedUntil: number;
  timer: NodeJS.Timeout | undefined;
}

export interface WebhookCounters {
  delivered: number;
  failedAttempts: number;
  dead: number;
  skipped: number;
}

const REFILL_PAGE = 1000;

/**
 * Delivers the events outbox. Events with the same order key (one message) go out strictly one
 * after another in `seq` order; different keys go in parallel, at most `concurrencyPerDestination`
 * at a time per receiving origin. A failed attempt is retried with exponential backoff and jitter
 * until `retryForSeconds` after the event became pending, then dead-lettered. After a failure the
 * whole origin backs off too, so a receiver that is down gets a few probes, not a flood, and
 * catches up at full speed once one succeeds. Memory holds at most `maxInMemory` events; past that
 * new ones stay on disk and are read back in order as memory drains.
 */
export class WebhookDeliverer {
  private readonly chains = new Map<string, PendingEvent[]>();
  private readonly known = new Set<number>();
  private readonly due = new MinHeap<PendingEvent>((e) => e.nextAttemptAt);
  private readonly destinations = new Map<string, Destination>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly replayAfterSettle = new Map<number, PendingEvent>();
  private readonly outcomes: GroupCommitter<EventOutcome>;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** True while some pending events live only on disk (memory was full, or before the first load). */
  private onDisk = true;
  private refilling: Promise<void> | undefined;
  /** Events written while a refill reads the store: admitted after it, if it catches up. */
  private arrivedDuringRefill: PendingEvent[] = [];
  private overflowedDuringRefill = false;
  private running = false;
  readonly counters: WebhookCounters = { delivered: 0, failedAttempts: 0, dead: 0, skipped: 0 };

  constructor(
    private readonly store: Store,
    private readonly client: WebhookPoster,
    private readonly config: Config['webhooks'],
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.outcomes = new GroupCommitter((outcomes) => storeEventOutcomes(this.store, outcomes), 1000);
  }

  /** Loads the pending events from the store and starts delivering. */
  async start(): Promise<void> {
    this.running = true;
    this.onDisk = true;
    await this.refill();
  }

  /** Stops starting deliveries and waits for those in flight (and their outcomes) to be stored. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    for (const destination of this.destinations.values())
      if (destination.timer) clearTimeout(destination.timer);
    await this.refilling;
    await Promise.all([...this.inFlight]);
    await this.outcomes.idle();
  }

  /** Hands over events a replay made pending again (delivered even if an older attempt is settling). */
  replay(events: readonly PendingEvent[]): void {
    this.enqueue(events.map((event) => ({ ...event, replayed: true })));
  }

  /** Hands over events just committed to the store. */
  enqueue(events: readonly PendingEvent[]): void {
    if (!this.running || events.length === 0) return;
    if (this.refilling) {
      // Kept for after the refill, up to what memory could take; past that the store has them.
      if (this.arrivedDuringRefill.length + events.length <= this.config.maxInMemory) {
        this.arrivedDuringRefill.push(...events);
      } else {
        this.overflowedDuringRefill = true;
      }
      return;
    }
    if (this.onDisk) return;
    if (this.known.size + events.length > this.config.maxInMemory) {
      // From here on the store is the queue; a refill reads everything back in order (now, if
      // memory has room; else when deliveries have made room).
      this.onDisk = true;
      this.maybeRefill();
      return;
    }
    for (const event of events) this.admit(event);
  }

  /** Events in memory, and whether more wait on disk. */
  status() {
    return {
      inMemory: this.known.size,
      onDisk: this.onDisk,
      ...this.counters,
      destinations: [...this.destinations.values()].map((d) => ({
        origin: d.origin,
        active: d.active,
        waiting: d.waiting.length,
        failures: d.failures,
        blockedUntil: d.blockedUntil > Date.now() ? new Date(d.blockedUntil).toISOString() : null,
      })),
    };
  }

  private admit(event: PendingEvent): void {
    if (this.known.has(event.seq)) {
      // A replay of an event still being settled: deliver it again once that is done.
      if (event.replayed) this.replayAfterSettle.set(event.seq, event);
      return;
    }
    this.known.add(event.seq);
    const chain = this.chains.get(event.orderKey);
    if (!chain) {
      this.chains.set(event.orderKey, [event]);
      this.activate(event);
      return;
    }
    // Keep seq order behind the head (the head may already be on its way).
    let i = chain.length;
    while (i > 1 && chain[i - 1]!.seq > event.seq) i--;
    chain.splice(i, 0, event);
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
      this.toDestination(this.due.pop()!);
    }
    this.armTimer();
  }

  private toDestination(event: PendingEvent): void {
    const destination = this.destinationOf(event.url);
    destination.waiting.push(event);
    this.pump(destination);
  }

  private destinationOf(url: string): Destination {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = url;
    }
    let destination = this.destinations.get(origin);
    if (!destination) {
      destination = { origin, active: 0, waiting: [], failures: 0, blockedUntil: 0, timer: undefined };
      this.destinations.set(origin, destination);
    }
    return destination;
  }

  private pump(destination: Destination): void {
    if (!this.running) return;
    const now = Date.now();
    if (destination.blockedUntil > now) {
      if (!destination.timer) {
        destination.timer = setTimeout(() => {
          destination.timer = undefined;
          this.pump(destination);
        }, destination.blockedUntil - now);
      }
      return;
    }
    while (destination.active < this.config.concurrencyPerDestination && destination.waiting.length > 0) {
      const event = destination.waiting.shift()!;
      destination.active++;
      const delivery = this.deliver(event, destination)
        .catch((error: unknown) =>
          this.logger.error({ err: error, event: event.id }, 'webhook delivery failed'),
        )
        .finally(() => {
          this.inFlight.delete(delivery);
          destination.active--;
          this.pump(destination);
        });
      this.inFlight.add(delivery);
    }
  }

  private async deliver(event: PendingEvent, destination: Destination): Promise<void> {
    const record = await loadEventForDelivery(this.store, event.seq);
    // Delivered meanwhile by another path (a duplicate hand-over): not again, unless replayed.
    if (!record || (record.event.state !== 'pending' && !event.replayed)) {
      this.finish(event);
      return;
    }
    const format = PAYLOAD_FORMATS[record.event.format] ?? nativeFormat;
    const payload = format(record);
    const attempts = event.attempts + 1;
    if (!payload) {
      this.counters.skipped++;
      await this.settle(event, { state: 'skipped', attempts: event.attempts, lastError: null });
      return;
    }
    const headers = record.secret
      ? signatureHeaders(record.secret, record.event.id, payload.body)
      : { [SIGNATURE_HEADERS.eventId]: record.event.id };
    const outcome = await this.client.post({
      url: event.url,
      contentType: payload.contentType,
      body: payload.body,
      headers,
      timeoutMs: this.config.timeoutMs,
    });
    const now = Date.now();
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      destination.failures = 0;
      destination.blockedUntil = 0;
      this.counters.delivered++;
      await this.settle(event, { state: 'delivered', attempts, lastError: null, deliveredAt: now });
      return;
    }
    const error = outcome.kind === 'response' ? `HTTP ${outcome.status}: ${outcome.detail}` : outcome.detail;
    if (outcome.kind === 'refused') {
      this.counters.dead++;
      this.logger.warn(
        { event: record.event.id, reason: outcome.detail },
        'webhook refused by the address guard',
      );
      await this.settle(event, { state: 'dead', attempts, lastError: `refused: ${error}` });
      return;
    }
    this.counters.failedAttempts++;
    destination.failures++;
    destination.blockedUntil = Math.max(
      destination.blockedUntil,
      now + retryDelayMs(destination.failures, this.config.retryBaseMs, this.config.retryMaxMs, this.random),
    );
    const delay = retryDelayMs(attempts, this.config.retryBaseMs, this.config.retryMaxMs, this.random);
    if (now + delay - event.pendingSince > this.config.retryForSeconds * 1000) {
      this.counters.dead++;
      this.logger.warn({ event: record.event.id, attempts, error }, 'webhook event dead-lettered');
      await this.settle(event, { state: 'dead', attempts, lastError: error });
      return;
    }
    event.attempts = attempts;
    event.nextAttemptAt = now + delay;
    await this.outcomes.submit({
      seq: event.seq,
      state: 'pending',
      attempts,
      nextAttemptAt: event.nextAttemptAt,
      lastError: error,
      deliveredAt: null,
    });
    if (this.running) this.activate(event);
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
    this.known.delete(event.seq);
    const replay = this.replayAfterSettle.get(event.seq);
    if (replay) {
      this.replayAfterSettle.delete(event.seq);
      if (this.running) this.admit(replay);
    }
    const chain = this.chains.get(event.orderKey);
    if (chain) {
      const index = chain.indexOf(event);
      if (index >= 0) chain.splice(index, 1);
      if (chain.length === 0) this.chains.delete(event.orderKey);
      else if (index === 0 && this.running) this.activate(chain[0]!);
    }
    this.maybeRefill();
  }

  private maybeRefill(): void {
    if (this.onDisk && !this.refilling && this.running && this.known.size <= this.config.maxInMemory / 2) {
      void this.refill();
    }
  }

  /** Reads pending events back from the store, oldest first, until memory is full or all are in. */
  private refill(): Promise<void> {
    if (this.refilling) return this.refilling;
    this.refilling = (async () => {
      let caughtUp = false;
      try {
        let cursor = 0;
        for (;;) {
          const page = await loadPendingEvents(this.store, cursor, REFILL_PAGE);
          for (const event of page) {
            if (this.known.size >= this.config.maxInMemory) break;
            this.admit(event);
          }
          if (page.length < REFILL_PAGE) {
            caughtUp = this.known.size < this.config.maxInMemory;
            break;
          }
          if (this.known.size >= this.config.maxInMemory) break;
          cursor = page[page.length - 1]!.seq;
        }
      } catch (error) {
        this.logger.error({ err: error }, 'could not read pending webhook events; retrying in 5 s');
        setTimeout(() => void (this.running && this.refill()), 5000).unref();
      } finally {
        const arrived = this.arrivedDuringRefill;
        this.arrivedDuringRefill = [];
        this.refilling = undefined;
        if (this.overflowedDuringRefill) {
          this.overflowedDuringRefill = false;
          this.maybeRefill();
        } else if (caughtUp) {
          this.onDisk = false;
          this.enqueue(arrived);
        }
      }
    })();
    return this.refilling;
  }
}
