import { BackpressureError } from '../core/errors.js';
import { countUnsent, loadAwaitingReceipts } from '../store/queries/dispatch-load.js';
import { BacklogReader } from './backlog-reader.js';
import type { DispatchItem } from './dispatch-item.js';
import { type DispatcherOptions, DispatchState } from './dispatch-state.js';
import { LeaseKeeper } from './lease-keeper.js';
import { ScheduledRelease } from './scheduled-release.js';
import { SubmissionPump } from './submission-pump.js';

export type { DispatcherOptions } from './dispatch-state.js';

/**
 * Moves accepted messages to their connectors. Accepted messages enter an in-memory ready queue
 * right after their commit (no polling); the store is read only to recover after a restart, to
 * release scheduled and retried messages, and to refill memory when more are queued than memory
 * may hold. Its parts: admission (here: the queue limit, hand-over, cancel), the submission pump,
 * the retry decision (retry-decision.ts, a pure function), the backlog reader, and the scheduled
 * release.
 */
export class Dispatcher {
  private readonly state: DispatchState;
  private readonly backlog: BacklogReader;
  private readonly release: ScheduledRelease;
  private readonly submissions: SubmissionPump;
  private readonly leases: LeaseKeeper;
  private pumpScheduled = false;

  constructor(options: DispatcherOptions) {
    this.state = new DispatchState(options);
    this.backlog = new BacklogReader(this.state);
    this.release = new ScheduledRelease(this.state);
    this.submissions = new SubmissionPump(this.state, this.release);
    this.leases = new LeaseKeeper(this.state, this.backlog);
    this.state.wake = () => this.schedulePump();
  }

  /** Recovers unfinished work from the store and starts dispatching. */
  async start(): Promise<void> {
    const { state } = this;
    const { store, logger, connectors } = state.options;
    state.running = true;
    state.unsent = await countUnsent(store);
    const sending = await this.leases.takeOverSending('requeued after restart');
    state.backlog = true;
    await this.release.scheduler.start();
    for (const [name, connector] of connectors) {
      if (!connector.resumeAwaitingReceipts) continue;
      const awaiting = await loadAwaitingReceipts(store, name);
      if (awaiting.length > 0) connector.resumeAwaitingReceipts(awaiting);
    }
    if (sending > 0 || state.unsent > 0) {
      logger.info(
        { unsent: state.unsent, resubmitting: sending },
        'recovered unsent messages from the store',
      );
    }
    this.leases.start();
    this.schedulePump();
  }

  /** Stops dispatching, waits for submissions in flight and for their status writes. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.state.running = false;
    this.release.scheduler.stop();
    this.leases.stop();
    await this.submissions.drain(timeoutMs);
    await this.state.options.writer.idle();
    await this.leases.releaseAll();
  }

  /**
   * Another node stopped and released its messages, or handed over messages for binds this node
   * holds: take over what is ready now, not at the next sweep.
   */
  takeOverReleased(): Promise<void> {
    return this.leases.tick(false);
  }

  /** Takes room for `count` new messages in the queue, or throws 503 `queue_full`. */
  reserve(count: number): void {
    const { state } = this;
    const limit = state.options.queue.maxQueued;
    if (state.unsent + count > limit) {
      throw new BackpressureError(
        503,
        'queue_full',
        `The gateway's queue is full (${state.unsent} messages waiting, limit ${limit}); retry later`,
        5,
      );
    }
    state.unsent += count;
  }

  /** Gives back a reservation whose messages were not stored. */
  releaseReserved(count: number): void {
    this.state.unsent -= count;
  }

  /** Hands over messages just committed: ready ones go to memory, scheduled ones to the scheduler. */
  accepted(items: readonly DispatchItem[], dueAt: number | null): void {
    const { state } = this;
    if (!state.running) return;
    // Stored claimed by this node. What it does not hold now (scheduled beyond the scheduler's
    // horizon, or past the memory limit) is not renewed: its claim lapses, and any node takes it.
    if (dueAt !== null) {
      for (const item of items) {
        if (this.release.scheduler.add({ id: item.id, due: dueAt, item }))
          state.holdings.hold(item.id, 'waiting');
      }
      return;
    }
    for (const item of items) {
      if (state.backlog || state.inMemory >= state.options.queue.maxInMemory) {
        // Memory is full: the message waits on disk and a refill brings it in, in order.
        state.backlog = true;
        state.skippedWhileScanning = true;
        continue;
      }
      state.holdings.hold(item.id, 'ready');
      state.enqueue(item);
    }
    this.schedulePump();
  }

  /**
   * Withdraws a message before it is sent. Returns false if it is at the upstream right now (too late);
   * the caller then stores the cancellation, which succeeds only while the store still says
   * queued or scheduled.
   */
  beginCancel(id: string): boolean {
    const holding = this.state.holdings.get(id);
    if (holding === 'in-flight' || holding === 'settling') return false;
    if (holding !== undefined) this.state.holdings.canceled.add(id);
    return true;
  }

  /** Completes a cancellation: `stored` tells whether the store accepted it. */
  endCancel(id: string, stored: boolean): void {
    const { state } = this;
    if (stored) {
      state.unsent--;
      if (!state.holdings.has(id)) state.holdings.canceled.delete(id);
    } else {
      state.holdings.canceled.delete(id);
    }
  }

  /** Figures for /ready, /metrics and the benchmark. */
  stats(): { unsent: number; inMemory: number; inFlight: number; scheduled: number; backlog: boolean } {
    const { state } = this;
    return {
      unsent: state.unsent,
      inMemory: state.inMemory,
      inFlight: state.inFlight,
      scheduled: this.release.scheduler.size,
      backlog: state.backlog,
    };
  }

  /** Called by connectors (through their sink) when they have room again. */
  capacityAvailable(): void {
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.state.running) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.submissions.pump();
      this.backlog.maybeRefill();
    });
  }
}
