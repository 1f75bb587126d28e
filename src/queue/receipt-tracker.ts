import type { DeliveryReceipt, ReceiptState } from '../connectors/connector.js';
import { type FinalStatus, isFinalStatus } from '../core/statuses.js';
import type { Store } from '../store/open-store.js';
import {
  deleteUnmatchedReceipt,
  findPartByUpstreamId,
  insertUnmatchedReceipt,
  type PartMatch,
} from '../store/queries/receipts.js';

/** How long a receipt kept as unmatched may still be claimed by a submission recorded late. */
const KEPT_MATCH_MS = 30 * 60_000;
const MAX_KEPT = 100_000;

import type { StatusWriter } from './status-writer.js';

/** What a receipt's segment state means for the segment: final (with the message status) or not yet. */
const RECEIPT_OUTCOME: Record<ReceiptState, FinalStatus | null> = {
  delivered: 'delivered',
  undelivered: 'undelivered',
  expired: 'expired',
  rejected: 'rejected',
  deleted: 'undelivered',
  unknown: 'undelivered',
  accepted: null,
  enroute: null,
};

interface Tracked {
  messageId: string;
  /** Segment states by index; undefined until a receipt says something final. */
  parts: (string | undefined)[];
  done: boolean;
}

interface EarlyReceipt {
  receipt: DeliveryReceipt;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

export interface ReceiptTrackerOptions {
  /** How long a receipt that matches nothing waits for its submission to be recorded. */
  earlyReceiptWaitMs?: number;
  /** Messages tracked in memory at most; older ones are matched through the store. */
  maxTracked?: number;
  /** Called when a message reaches a final status from a receipt. */
  onFinal?: (messageId: string, status: FinalStatus) => void;
}

/**
 * Matches delivery receipts to message segments and decides the message's status: delivered when
 * every segment is, the failure as soon as any segment fails. Recent submissions are matched in
 * memory; older ones (and everything after a restart) through the store. A receipt that arrives
 * before its submission's response has been recorded waits for it, and one that never matches is
 * kept in `unmatched_receipts`.
 */
export class ReceiptTracker {
  private readonly byUpstream = new Map<string, { tracked: Tracked; index: number }>();
  private readonly early = new Map<string, EarlyReceipt>();
  private readonly kept = new Map<string, { receipt: DeliveryReceipt; rowId: number; keptAt: number }>();
  private readonly earlyWaitMs: number;
  private readonly maxTracked: number;

  constructor(
    private readonly store: Store,
    private readonly writer: StatusWriter,
    private readonly options: ReceiptTrackerOptions = {},
  ) {
    this.earlyWaitMs = options.earlyReceiptWaitMs ?? 5000;
    this.maxTracked = options.maxTracked ?? 200_000;
  }

  /** Receipts waiting for their submission to be recorded (tests wait for one to be waiting). */
  get waitingReceipts(): number {
    return this.early.size;
  }

  /** Remembers a submission's upstream ids so its receipts match without a query. */
  register(connector: string, messageId: string, upstreamIds: readonly string[]): void {
    const tracked: Tracked = { messageId, parts: new Array(upstreamIds.length), done: false };
    for (let index = 0; index < upstreamIds.length; index++) {
      const key = connector + '\u0000' + upstreamIds[index];
      this.byUpstream.set(key, { tracked, index });
    }
    if (this.byUpstream.size > this.maxTracked) this.evictOldest(this.byUpstream.size - this.maxTracked);
    for (const upstreamId of upstreamIds) {
      const late = this.kept.get(connector + '\u0000' + upstreamId);
      if (late && Date.now() - late.keptAt < KEPT_MATCH_MS) {
        this.kept.delete(connector + '\u0000' + upstreamId);
        queueMicrotask(() => {
          void this.handle(late.receipt)
            .then(() => deleteUnmatchedReceipt(this.store, late.rowId))
            .catch(() => {});
        });
      }
      const waiting = this.early.get(connector + '\u0000' + upstreamId);
      if (waiting) {
        this.early.delete(connector + '\u0000' + upstreamId);
        clearTimeout(waiting.timer);
        // Let the caller record `sent` first, so history stays in order.
        queueMicrotask(() => void this.handle(waiting.receipt).then(waiting.resolve, waiting.resolve));
      }
    }
  }

  /** Handles one receipt; resolves once its effect is stored. */
  async handle(receipt: DeliveryReceipt): Promise<void> {
    const key = receipt.connector + '\u0000' + receipt.upstreamId;
    const hit = this.byUpstream.get(key);
    if (hit) return this.apply(receipt, hit.tracked, hit.index, key);
    const stored = await findPartByUpstreamId(this.store, receipt.connector, receipt.upstreamId);
    // The submission may have been registered while the store was asked: memory is authoritative.
    const registered = this.byUpstream.get(key);
    if (registered) return this.apply(receipt, registered.tracked, registered.index, key);
    if (stored) return this.apply(receipt, this.adopt(receipt.connector, stored), stored.partIndex, key);
    return this.waitForSubmission(receipt, key);
  }

  private async apply(receipt: DeliveryReceipt, tracked: Tracked, index: number, key: string): Promise<void> {
    const outcome = RECEIPT_OUTCOME[receipt.state];
    const multipart = tracked.parts.length > 1;
    if (outcome === null) {
      // An intermediate state (ENROUTE, ACCEPTD): worth recording on the segment, not a transition.
      await this.writer.record({
        id: tracked.messageId,
        status: 'sent',
        at: receipt.at,
        transition: false,
        partUpdate: { index, status: receipt.state, code: receipt.rawCode },
      });
      return;
    }
    tracked.parts[index] = outcome;
    this.byUpstream.delete(key);
    // Every part records its own receipt, single-segment messages' included (one rule for all).
    const partUpdate = { index, status: outcome, code: receipt.rawCode };
    if (tracked.done) {
      await this.writer.record({
        id: tracked.messageId,
        status: 'sent',
        at: receipt.at,
        transition: false,
        partUpdate,
      });
      return;
    }
    const status = this.messageStatus(tracked, outcome);
    if (status === null) {
      await this.writer.record({
        id: tracked.messageId,
        status: 'sent',
        at: receipt.at,
        transition: false,
        partUpdate,
      });
      return;
    }
    tracked.done = true;
    this.options.onFinal?.(tracked.messageId, status);
    await this.writer.record({
      id: tracked.messageId,
      status,
      at: receipt.at,
      code: receipt.rawCode,
      detail: receipt.detail ?? (multipart ? `segment ${index + 1} of ${tracked.parts.length}` : null),
      finalAt: receipt.at,
      partUpdate,
    });
  }

  /** Delivered once every segment is; a failure as soon as one segment fails; null while undecided. */
  private messageStatus(tracked: Tracked, latest: FinalStatus): FinalStatus | null {
    if (latest !== 'delivered') return latest;
    for (const part of tracked.parts) if (part !== 'delivered') return null;
    return 'delivered';
  }

  private waitForSubmission(receipt: DeliveryReceipt, key: string): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.early.get(key);
      if (previous) {
        clearTimeout(previous.timer);
        previous.resolve();
      }
      const timer = setTimeout(() => {
        this.early.delete(key);
        void this.retryOrKeep(receipt).then(resolve, resolve);
      }, this.earlyWaitMs);
      this.early.set(key, { receipt, resolve, timer });
    });
  }

  private async retryOrKeep(receipt: DeliveryReceipt): Promise<void> {
    // The submission may have been recorded by another path (or another node) meanwhile.
    const key = receipt.connector + '\u0000' + receipt.upstreamId;
    await this.writer.idle();
    const stored = await findPartByUpstreamId(this.store, receipt.connector, receipt.upstreamId);
    const registered = this.byUpstream.get(key);
    if (registered) return this.apply(receipt, registered.tracked, registered.index, key);
    if (stored) return this.apply(receipt, this.adopt(receipt.connector, stored), stored.partIndex, key);
    const rowId = await insertUnmatchedReceipt(this.store, {
      connector: receipt.connector,
      upstreamId: receipt.upstreamId,
      status: receipt.state,
      code: receipt.rawCode,
      detail: receipt.detail,
      at: receipt.at,
    });
    // Kept in the store, and for a while in memory too: a submission retried after a failure (say,
    // the last segment of a long message was throttled) may still claim it.
    this.kept.set(key, { receipt, rowId, keptAt: Date.now() });
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
  }

  /** On shutdown: receipts still waiting for their submission are kept as unmatched, not dropped. */
  async stop(): Promise<void> {
    const waiting = [...this.early.values()];
    this.early.clear();
    await Promise.all(
      waiting.map(async (entry) => {
        clearTimeout(entry.timer);
        await this.retryOrKeep(entry.receipt).catch(() => {});
        entry.resolve();
      }),
    );
  }

  /**
   * Tracks a message found in the store, under all its segments' ids, so its other receipts are
   * decided by the same record instead of each reading its own copy of the store.
   */
  private adopt(connector: string, stored: PartMatch): Tracked {
    const tracked = trackedFromStore(stored);
    stored.partUpstreamIds.forEach((upstreamId, index) => {
      const key = connector + '\u0000' + upstreamId;
      if (!this.byUpstream.has(key) && tracked.parts[index] === undefined)
        this.byUpstream.set(key, { tracked, index });
    });
    return tracked;
  }

  private evictOldest(count: number): void {
    let left = count;
    for (const key of this.byUpstream.keys()) {
      if (left-- <= 0) break;
      this.byUpstream.delete(key);
    }
  }
}

function trackedFromStore(stored: PartMatch): Tracked {
  return {
    messageId: stored.messageId,
    // The connector may have split differently from the accept-time count: trust the stored parts.
    parts: Array.from({ length: Math.max(stored.partStatuses.length, 1) }, (_, i) => {
      const status = stored.partStatuses[i];
      return status === undefined || status === 'sent' ? undefined : status;
    }),
    done: isFinalStatus(stored.messageStatus),
  };
}
