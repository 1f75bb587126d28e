import { claimStaleSending, releaseLeases, renewLeases } from '../store/queries/message-leases.js';
import type { BacklogReader } from './backlog-reader.js';
import { dispatchItemFromRow } from './dispatch-item.js';
import type { DispatchState } from './dispatch-state.js';

/**
 * Keeps this node's claims alive and takes over what other nodes dropped. A third of a lease at a
 * time: renews the leases of the messages this node holds; takes messages caught mid-submission
 * by a node whose lease ran out (submitted again: the at-least-once duplicate window is one lease);
 * and sweeps for ready messages nobody holds. With one node (SQLite) only the renewal matters.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private working = false;
  /** Asked again while a round was running: run once more when it ends. */
  private again = false;

  constructor(
    private readonly state: DispatchState,
    private readonly backlog: BacklogReader,
  ) {}

  start(): void {
    const every = Math.max(1000, Math.floor(this.state.options.lease.ms / 3));
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** On a clean stop: everything this node claimed is free for the others at once. */
  async releaseAll(): Promise<void> {
    const { state } = this;
    try {
      await releaseLeases(state.options.store, state.options.lease.owner);
    } catch (error) {
      // The claims then lapse on their own, one lease later.
      state.options.logger.warn({ err: error }, 'could not release message leases on stop');
    }
  }

  /** Takes the messages left mid-submission (at start: this node's own, from before its restart). */
  async takeOverSending(detail: string): Promise<number> {
    const { state } = this;
    const now = Date.now();
    const rows = await claimStaleSending(state.options.store, state.lease(now), now);
    let taken = 0;
    for (const row of rows) {
      // Its own submissions in flight are `sending` too and claimable by it: not taken over.
      if (state.holdings.has(row.id)) continue;
      taken++;
      const item = dispatchItemFromRow(row, state.options.defaultConnector);
      state.holdings.hold(item.id, 'ready');
      // A failed write leaves the row `sending` in the store, where the next takeover finds it again.
      state.options.writer
        .record({ id: item.id, status: 'queued', at: now, detail })
        .catch((error: unknown) =>
          state.options.logger.error({ err: error, messageId: item.id }, 'could not store a takeover'),
        );
      state.enqueue(item);
    }
    if (taken > 0) state.wake();
    return taken;
  }

  /**
   * Renews, takes over and sweeps, on schedule; `renew` false when another node just released
   * messages (it stopped, or handed over messages for binds this node holds): take them now.
   */
  async tick(renew = true): Promise<void> {
    const { state } = this;
    if (!state.running) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = true;
    try {
      if (renew) await renewLeases(state.options.store, state.lease(), state.holdings.ids());
      const taken = await this.takeOverSending('requeued: the node submitting it stopped');
      if (taken > 0)
        state.options.logger.warn({ messages: taken }, 'took over messages another node left mid-submission');
      this.backlog.sweep();
    } catch (error) {
      state.options.logger.error({ err: error }, 'could not renew or take over message leases');
    } finally {
      this.working = false;
    }
    if (this.again) {
      this.again = false;
      await this.tick(false);
    }
  }
}
