import type { Config } from '../config/schema.js';
import type { Connector, OutboundMessage, SubmitResult } from '../connectors/connector.js';
import { backoffDelayMs } from '../core/backoff.js';
import { BackpressureError, ConnectorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import {
  countUnsent,
  loadAwaitingReceipts,
  loadDueSoon,
  loadMessagesByIds,
  loadReadyMessages,
  loadSendingMessages,
} from '../store/queries/dispatch-load.js';
import { type DispatchItem, dispatchItemFromRow } from './dispatch-item.js';
import { ReadyQueue } from './ready-queue.js';
import type { ReceiptTracker } from './receipt-tracker.js';
import { type ScheduledEntry, Scheduler } from './scheduler.js';
import type { StatusChange, StatusWriter } from './status-writer.js';

/** Where a message the dispatcher holds is: waiting in a ready queue, at the upstream, waiting for its status write, or waiting for its time. */
type Holding = 'ready' | 'in-flight' | 'settling' | 'waiting';

export interface DispatcherOptions {
  store: Store;
  writer: StatusWriter;
  tracker: ReceiptTracker;
  connectors: ReadonlyMap<string, Connector>;
  defaultConnector: string;
  queue: Config['queue'];
  logger: Logger;
  /** How far ahead the scheduler holds due messages in memory. */
  schedulerHorizonMs?: number;
  /**
   * Checked just before each submission: a reason makes the message `rejected` instead (a
   * recipient who opted out after a message was accepted, e.g. while it was scheduled).
   */
  refuse?: (item: DispatchItem) => { code: string; detail: string } | null;
  /** The route table: other connectors after a retryable failure, or when one is down. */
  routing?: {
    /** Another connector to try now, after `failed` failed (failover and weighted routes). */
    next(route: string | null, failed: string): string | undefined;
    /** The connector a retry after backoff should use. */
    current(route: string | null, fallback: string): string;
  };
}

/** How often messages waiting for a connector that is down are offered to their routes' others. */
const MOVE_AWAY_INTERVAL_MS = 1000;

/**
 * Moves accepted messages to their connectors. Accepted messages enter an in-memory ready queue
 * right after their commit (no polling); the store is read only to recover after a restart, to
 * release scheduled and retried messages, and to refill memory when more are queued than memory
 * may hold. Each connector gets as many submissions as its window allows.
 */
export class Dispatcher {
  private readonly queues = new Map<string, ReadyQueue>();
  /** Every message currently held in memory, so store reads never bring it in twice. */
  private readonly held = new Map<string, Holding>();
  private readonly canceled = new Set<string>();
  /**
   * Ids let go while a store read was under way: that read's snapshot may still show them queued,
   * so its results must not bring them back (that would send them twice).
   */
  private readonly releasedDuringReads = new Set<string>();
  private storeReads = 0;
  private readonly scheduler: Scheduler;
  private inMemory = 0;
  private inFlight = 0;
  /** Messages not yet sent (queued, scheduled, sending), for the queue limit. */
  private unsent = 0;
  /** True while the store holds ready messages that memory does not. */
  private backlog = false;
  private refillCursor: { priority: number; id: string } | undefined;
  private refilling = false;
  private skippedWhileScanning = false;
  private pumpScheduled = false;
  private readonly lastMoveAway = new Map<string, number>();
  private running = false;
  private drained: (() => void) | undefined;

  constructor(private readonly options: DispatcherOptions) {
    for (const name of options.connectors.keys()) this.queues.set(name, new ReadyQueue());
    this.scheduler = new Scheduler(
      (until) => this.loadDue(until),
      (entries) => void this.releaseDue(entries),
      options.schedulerHorizonMs ?? 60_000,
    );
  }

  /** Recovers unfinished work from the store and starts dispatching. */
  async start(): Promise<void> {
    const { store, logger } = this.options;
    this.running = true;
    this.unsent = await countUnsent(store);
    const sending = await loadSendingMessages(store);
    const now = Date.now();
    for (const row of sending) {
      const item = dispatchItemFromRow(row, this.options.defaultConnector);
      this.hold(item.id, 'ready');
      void this.options.writer.record({
        id: item.id,
        status: 'queued',
        at: now,
        detail: 'requeued after restart',
      });
      this.enqueue(item);
    }
    this.backlog = true;
    await this.scheduler.start();
    for (const [name, connector] of this.options.connectors) {
      if (!connector.resumeAwaitingReceipts) continue;
      const awaiting = await loadAwaitingReceipts(store, name);
      if (awaiting.length > 0) connector.resumeAwaitingReceipts(awaiting);
    }
    if (sending.length > 0 || this.unsent > 0) {
      logger.info(
        { unsent: this.unsent, resubmitting: sending.length },
        'recovered unsent messages from the store',
      );
    }
    this.schedulePump();
  }

  /** Stops dispatching, waits for submissions in flight and for their status writes. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    this.scheduler.stop();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.drained = resolve;
        }),
        new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    }
    await this.options.writer.idle();
  }

  /**
   * Reserves room for `count` new messages; throws 503 when the queue limit would be passed.
   * Call `commitReserved` or `releaseReserved` afterwards.
   */
  reserve(count: number): void {
    const limit = this.options.queue.maxQueued;
    if (this.unsent + count > limit) {
      throw new BackpressureError(
        503,
        'queue_full',
        `The gateway's queue is full (${this.unsent} messages waiting, limit ${limit}); retry later`,
        5,
      );
    }
    this.unsent += count;
  }

  /** Gives back a reservation whose messages were not stored. */
  releaseReserved(count: number): void {
    this.unsent -= count;
  }

  /** Hands over messages just committed: ready ones go to memory, scheduled ones to the scheduler. */
  accepted(items: readonly DispatchItem[], dueAt: number | null): void {
    if (!this.running) return;
    if (dueAt !== null) {
      for (const item of items) {
        if (this.scheduler.add({ id: item.id, due: dueAt, item })) this.hold(item.id, 'waiting');
      }
      return;
    }
    for (const item of items) {
      if (this.backlog || this.inMemory >= this.options.queue.maxInMemory) {
        // Memory is full: the message waits on disk and a refill brings it in, in order.
        this.backlog = true;
        this.skippedWhileScanning = true;
        continue;
      }
      this.hold(item.id, 'ready');
      this.enqueue(item);
    }
    this.schedulePump();
  }

  /**
   * Withdraws a message before it is sent. Returns false if it is at the upstream right now (too late);
   * the caller then stores the cancellation, which succeeds only while the store still says
   * queued or scheduled.
   */
  beginCancel(id: string): boolean {
    const holding = this.held.get(id);
    if (holding === 'in-flight' || holding === 'settling') return false;
    if (holding !== undefined) this.canceled.add(id);
    return true;
  }

  /** Completes a cancellation: `stored` tells whether the store accepted it. */
  endCancel(id: string, stored: boolean): void {
    if (stored) {
      this.unsent--;
      if (!this.held.has(id)) this.canceled.delete(id);
    } else {
      this.canceled.delete(id);
    }
  }

  /** Figures for /ready, /metrics and the benchmark. */
  stats(): { unsent: number; inMemory: number; inFlight: number; scheduled: number; backlog: boolean } {
    return {
      unsent: this.unsent,
      inMemory: this.inMemory,
      inFlight: this.inFlight,
      scheduled: this.scheduler.size,
      backlog: this.backlog,
    };
  }

  /** Called by connectors (through their sink) when they have room again. */
  capacityAvailable(): void {
    this.schedulePump();
  }

  private hold(id: string, holding: Holding): void {
    this.held.set(id, holding);
  }

  private release(id: string): void {
    this.held.delete(id);
    if (this.storeReads > 0) this.releasedDuringReads.add(id);
  }

  /** Marks the start of a store read whose results will be filtered with `known`. */
  private beginRead(): void {
    this.storeReads++;
  }

  /** Marks the end of such a read, once its results have been taken in. */
  private endRead(): void {
    this.storeReads--;
    if (this.storeReads === 0) this.releasedDuringReads.clear();
  }

  /** Whether a row a store read returned is already, or was lately, in memory. */
  private known(id: string): boolean {
    return this.held.has(id) || this.releasedDuringReads.has(id) || this.canceled.has(id);
  }

  private enqueue(item: DispatchItem): void {
    let queue = this.queues.get(item.connector);
    if (!queue) {
      this.options.logger.warn(
        { messageId: item.id, connector: item.connector },
        'message names a connector that is not configured; using the default connector',
      );
      item.connector = this.options.defaultConnector;
      queue = this.queues.get(item.connector)!;
    }
    queue.push(item);
    this.inMemory++;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.running) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    const now = Date.now();
    for (const [name, queue] of this.queues) {
      const connector = this.options.connectors.get(name)!;
      let room = connector.available();
      if (queue.length > room) this.moveAwayFromDown(name, connector, queue, now);
      while (room > 0 && queue.length > 0) {
        const item = queue.shift()!;
        this.inMemory--;
        if (this.canceled.delete(item.id)) {
          this.release(item.id);
          continue;
        }
        const refusal = this.options.refuse?.(item);
        if (refusal) {
          this.finish(item, { id: item.id, status: 'rejected', at: now, finalAt: now, ...refusal });
          continue;
        }
        if (item.expiresAt <= now) {
          this.finish(item, {
            id: item.id,
            status: 'expired',
            at: now,
            finalAt: now,
            detail: 'validity period ended before it could be sent',
          });
          continue;
        }
        room--;
        this.submit(connector, item, now);
      }
    }
    if (this.backlog && this.inMemory < this.options.queue.maxInMemory / 2) void this.refill();
  }

  private submit(connector: Connector, item: DispatchItem, now: number): void {
    this.hold(item.id, 'in-flight');
    this.inFlight++;
    item.attempts++;
    void this.options.writer.record({
      id: item.id,
      status: 'sending',
      at: now,
      attempts: item.attempts,
      connector: connector.name,
    });
    let promise: Promise<SubmitResult>;
    try {
      promise = connector.submit(toOutbound(item));
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => this.onSubmitted(connector, item, result),
      (error: unknown) => this.onSubmitFailed(item, error),
    );
  }

  private onSubmitted(connector: Connector, item: DispatchItem, result: SubmitResult): void {
    this.settleInFlight();
    const at = Date.now();
    this.options.tracker.register(connector.name, item.id, result.upstreamIds);
    this.unsent--;
    this.settle(
      item.id,
      this.options.writer.record({
        id: item.id,
        status: 'sent',
        at,
        sentAt: at,
        connector: connector.name,
        newParts: result.upstreamIds.map((upstreamId, index) => ({
          index,
          connector: connector.name,
          upstreamId,
        })),
      }),
    );
  }

  private onSubmitFailed(item: DispatchItem, error: unknown): void {
    this.settleInFlight();
    const failure =
      error instanceof ConnectorError
        ? error
        : new ConnectorError(error instanceof Error ? error.message : String(error), {
            retryable: true,
            cause: error,
          });
    const at = Date.now();
    const code = failure.rawCode ?? null;
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.options.queue;
    if (!failure.retryable) {
      this.finish(item, { id: item.id, status: 'rejected', at, finalAt: at, code, detail: failure.message });
      return;
    }
    if (item.attempts >= maxAttempts) {
      this.finish(item, {
        id: item.id,
        status: 'failed',
        at,
        finalAt: at,
        code,
        detail: `gave up after ${item.attempts} attempts: ${failure.message}`,
      });
      return;
    }
    const failedVia = item.connector;
    const alternative = this.options.routing?.next(item.route, failedVia);
    let due: number;
    if (alternative) {
      // Failover: the route's next connector takes it now.
      item.connector = alternative;
      due = at;
    } else {
      due = at + backoffDelayMs({ baseMs: retryBaseMs, maxMs: retryMaxMs }, item.attempts);
      if (this.options.routing) item.connector = this.options.routing.current(item.route, failedVia);
    }
    if (due >= item.expiresAt) {
      this.finish(item, {
        id: item.id,
        status: 'expired',
        at,
        finalAt: at,
        code,
        detail: `validity period ends before the next attempt (last error: ${failure.message})`,
      });
      return;
    }
    const write = this.options.writer.record({
      id: item.id,
      status: 'queued',
      at,
      code,
      detail: alternative
        ? `attempt ${item.attempts} via ${failedVia} failed, trying ${alternative}: ${failure.message}`
        : `attempt ${item.attempts} failed, retrying: ${failure.message}`,
      nextAttemptAt: due,
    });
    if (this.scheduler.add({ id: item.id, due, item })) {
      this.hold(item.id, 'waiting');
    } else {
      this.settle(item.id, write);
    }
  }

  /**
   * A connector that is down cannot drain its queue: offer its messages to the other connectors
   * of their routes (at most once a second per connector, as it walks the whole queue).
   */
  private moveAwayFromDown(name: string, connector: Connector, queue: ReadyQueue, now: number): void {
    const routing = this.options.routing;
    if (!routing || connector.status().state !== 'down') return;
    if (now - (this.lastMoveAway.get(name) ?? 0) < MOVE_AWAY_INTERVAL_MS) return;
    this.lastMoveAway.set(name, now);
    const stay: DispatchItem[] = [];
    let moved = 0;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const alternative = routing.next(item.route, name);
      const target = alternative === undefined ? undefined : this.queues.get(alternative);
      if (target) {
        item.connector = alternative!;
        target.push(item);
        moved++;
      } else {
        stay.push(item);
      }
    }
    for (const item of stay) queue.push(item);
    if (moved > 0)
      this.options.logger.info(
        { connector: name, moved },
        'connector is down; messages moved to other connectors of their routes',
      );
  }

  /** Records a final status for a message that never reached `sent`. */
  private finish(item: DispatchItem, change: StatusChange): void {
    this.unsent--;
    this.settle(item.id, this.options.writer.record(change));
  }

  /** Keeps a message marked as held until its status write is stored, then forgets it. */
  private settle(id: string, write: Promise<void>): void {
    this.hold(id, 'settling');
    write.then(
      () => {
        if (this.held.get(id) === 'settling') this.release(id);
      },
      (error: unknown) => {
        this.options.logger.error({ err: error, messageId: id }, 'could not store a status change');
        if (this.held.get(id) === 'settling') this.release(id);
      },
    );
  }

  private settleInFlight(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.drained) {
      this.drained();
      this.drained = undefined;
    }
    this.schedulePump();
  }

  /** Reads ready messages the store holds and memory does not, in priority and id order. */
  private async refill(): Promise<void> {
    if (this.refilling || !this.running) return;
    this.refilling = true;
    try {
      if (this.refillCursor === undefined) this.skippedWhileScanning = false;
      const room = this.options.queue.maxInMemory - this.inMemory;
      this.beginRead();
      let rows: Awaited<ReturnType<typeof loadReadyMessages>>;
      try {
        rows = await loadReadyMessages(this.options.store, Date.now(), room, this.refillCursor);
      } catch (error) {
        this.endRead();
        throw error;
      }
      for (const row of rows) {
        if (this.known(row.id)) continue;
        const item = dispatchItemFromRow(row, this.options.defaultConnector);
        this.hold(item.id, 'ready');
        this.enqueue(item);
      }
      this.endRead();
      const last = rows[rows.length - 1];
      if (rows.length < room) {
        // Reached the end. Messages accepted while scanning may sort before the cursor: scan again.
        this.refillCursor = undefined;
        this.backlog = this.skippedWhileScanning;
      } else if (last) {
        this.refillCursor = { priority: last.priority, id: last.id };
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not read queued messages from the store');
    } finally {
      this.refilling = false;
    }
    this.schedulePump();
  }

  private async loadDue(until: number): Promise<ScheduledEntry[]> {
    this.beginRead();
    try {
      const rows = await loadDueSoon(this.options.store, until);
      const entries: ScheduledEntry[] = [];
      for (const row of rows) {
        if (this.known(row.id)) continue;
        this.hold(row.id, 'waiting');
        entries.push({ id: row.id, due: row.due });
      }
      return entries;
    } finally {
      this.endRead();
    }
  }

  private async releaseDue(entries: ScheduledEntry[]): Promise<void> {
    const now = Date.now();
    const missing: string[] = [];
    const ready: DispatchItem[] = [];
    for (const entry of entries) {
      if (this.canceled.delete(entry.id)) {
        this.release(entry.id);
        continue;
      }
      if (entry.item) ready.push(entry.item);
      else missing.push(entry.id);
    }
    if (missing.length > 0) {
      try {
        for (const row of await loadMessagesByIds(this.options.store, missing)) {
          if (row.status === 'queued' || row.status === 'scheduled') {
            ready.push(dispatchItemFromRow(row, this.options.defaultConnector));
          } else {
            this.release(row.id);
          }
        }
      } catch (error) {
        this.options.logger.error({ err: error }, 'could not read due messages; they will be retried');
        for (const id of missing) this.release(id);
      }
    }
    for (const item of ready) {
      if (this.canceled.delete(item.id)) {
        this.release(item.id);
        continue;
      }
      if (item.scheduled) {
        item.scheduled = false;
        void this.options.writer.record({
          id: item.id,
          status: 'queued',
          at: now,
          detail: 'scheduled time reached',
        });
      }
      if (this.inMemory >= this.options.queue.maxInMemory) {
        this.backlog = true;
        this.skippedWhileScanning = true;
        this.settle(item.id, this.options.writer.idle());
        continue;
      }
      this.hold(item.id, 'ready');
      this.enqueue(item);
    }
    this.schedulePump();
  }
}

function toOutbound(item: DispatchItem): OutboundMessage {
  return {
    id: item.id,
    to: item.to,
    from: item.from,
    fromKind: item.fromKind,
    text: item.text,
    encoding: item.encoding,
    segments: item.segments,
    priority: item.priority,
    attempt: item.attempts,
    expiresAt: item.expiresAt,
  };
}
