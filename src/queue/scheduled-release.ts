import { loadMessagesByIds } from '../store/queries/dispatch-load.js';
import { claimDueSoon } from '../store/queries/message-leases.js';
import { type DispatchItem, dispatchItemFromRow } from './dispatch-item.js';
import type { DispatchState } from './dispatch-state.js';
import { type ScheduledEntry, Scheduler } from './scheduler.js';

/**
 * Scheduled messages and retries waiting for their time: the scheduler holds what falls due within
 * its horizon (ids only for messages not in memory), reads the rest from the store one horizon
 * ahead, and hands what is due back to the ready queues (`scheduled` → `queued` in the store).
 */
export class ScheduledRelease {
  readonly scheduler: Scheduler;

  constructor(private readonly state: DispatchState) {
    this.scheduler = new Scheduler(
      (until) => this.loadDue(until),
      (entries) => void this.releaseDue(entries),
      state.options.schedulerHorizonMs ?? 60_000,
    );
  }

  private async loadDue(until: number): Promise<ScheduledEntry[]> {
    const { holdings, options } = this.state;
    holdings.beginRead();
    try {
      const now = Date.now();
      const rows = await claimDueSoon(options.store, this.state.lease(now), now, until);
      const entries: ScheduledEntry[] = [];
      for (const row of rows) {
        if (holdings.known(row.id)) continue;
        holdings.hold(row.id, 'waiting');
        entries.push({ id: row.id, due: row.due });
      }
      return entries;
    } finally {
      holdings.endRead();
    }
  }

  private async releaseDue(entries: ScheduledEntry[]): Promise<void> {
    const { state } = this;
    const { holdings, options } = state;
    const now = Date.now();
    const missing: string[] = [];
    const ready: DispatchItem[] = [];
    for (const entry of entries) {
      if (holdings.canceled.delete(entry.id)) {
        holdings.release(entry.id);
        continue;
      }
      if (entry.item) ready.push(entry.item);
      else missing.push(entry.id);
    }
    if (missing.length > 0) {
      try {
        for (const row of await loadMessagesByIds(options.store, missing)) {
          if (row.status === 'queued' || row.status === 'scheduled') {
            ready.push(dispatchItemFromRow(row, options.defaultConnector));
          } else {
            holdings.release(row.id);
          }
        }
      } catch (error) {
        options.logger.error({ err: error }, 'could not read due messages; they will be retried');
        for (const id of missing) holdings.release(id);
      }
    }
    for (const item of ready) {
      if (holdings.canceled.delete(item.id)) {
        holdings.release(item.id);
        continue;
      }
      if (item.scheduled) {
        item.scheduled = false;
        options.writer
          .record({ id: item.id, status: 'queued', at: now, detail: 'scheduled time reached' })
          .catch((error: unknown) =>
            options.logger.error({ err: error, messageId: item.id }, 'could not store a release'),
          );
      }
      if (state.inMemory >= options.queue.maxInMemory) {
        state.backlog = true;
        state.skippedWhileScanning = true;
        state.settle(item.id, options.writer.idle());
        continue;
      }
      holdings.hold(item.id, 'ready');
      state.enqueue(item);
    }
    state.wake();
  }
}
