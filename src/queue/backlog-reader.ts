import { claimReadyMessages } from '../store/queries/message-leases.js';
import { dispatchItemFromRow } from './dispatch-item.js';
import type { DispatchState } from './dispatch-state.js';

/**
 * Claims and reads ready messages the store holds and memory does not, in priority and id order,
 * when more were queued than memory may hold (or after a restart, or when another node stopped):
 * a million queued messages wait on disk, and a message is read by one node only.
 */
export class BacklogReader {
  private cursor: { priority: number; id: string } | undefined;
  private reading = false;
  /** Swept while a read was under way: what was released meanwhile may be past its snapshot. */
  private sweepAgain = false;

  constructor(private readonly state: DispatchState) {}

  /** Reads the next page into memory if there is a backlog and room (half of memory free). */
  maybeRefill(): void {
    const { state } = this;
    if (state.backlog && state.inMemory < state.options.queue.maxInMemory / 2) void this.refill();
  }

  /**
   * Looks for ready messages nobody works on (a node that stopped, work left unclaimed by a node
   * with no room) and takes what memory has room for. Run now and then by the lease keeper.
   */
  sweep(): void {
    const { state } = this;
    if (this.reading) this.sweepAgain = true;
    else if (state.inMemory < state.options.queue.maxInMemory / 2) void this.refill();
  }

  private async refill(): Promise<void> {
    const { state } = this;
    if (this.reading || !state.running) return;
    this.reading = true;
    try {
      if (this.cursor === undefined) state.skippedWhileScanning = false;
      const room = state.options.queue.maxInMemory - state.inMemory;
      state.holdings.beginRead();
      let rows: Awaited<ReturnType<typeof claimReadyMessages>>;
      try {
        const now = Date.now();
        rows = await claimReadyMessages(state.options.store, state.lease(now), now, room, this.cursor, {
          connectors: state.connectorsElsewhere(),
          defaultConnector: state.options.defaultConnector,
        });
      } catch (error) {
        state.holdings.endRead();
        throw error;
      }
      for (const row of rows) {
        if (state.holdings.known(row.id)) continue;
        const item = dispatchItemFromRow(row, state.options.defaultConnector);
        state.holdings.hold(item.id, 'ready');
        state.enqueue(item);
      }
      state.holdings.endRead();
      const last = rows[rows.length - 1];
      if (rows.length < room) {
        // Reached the end. Messages accepted while scanning may sort before the cursor: scan again.
        this.cursor = undefined;
        state.backlog = state.skippedWhileScanning;
      } else if (last) {
        this.cursor = { priority: last.priority, id: last.id };
      }
    } catch (error) {
      state.options.logger.error({ err: error }, 'could not read queued messages from the store');
    } finally {
      this.reading = false;
    }
    if (this.sweepAgain) {
      this.sweepAgain = false;
      this.sweep();
    }
    state.wake();
  }
}
