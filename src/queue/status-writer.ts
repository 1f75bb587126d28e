import type { Insertable } from 'kysely';
import { type BackoffPolicy, backoffDelayMs } from '../core/backoff.js';
import type { Logger } from '../core/logger.js';
import { publicExcerpt } from '../core/public-excerpt.js';
import { type MessageStatus, predecessorsOf } from '../core/statuses.js';
import type { Store } from '../store/open-store.js';
import { isEventStatus, type PendingEvent, type StatusEventCandidate } from '../store/queries/events.js';
import { applyStatusBatch, type MessagePatch, type PartStatusUpdate } from '../store/queries/status-batch.js';
import type { MessageHistoryTable, MessagePartsTable } from '../store/schema.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import { GroupCommitter } from './group-commit.js';

/** Waits before writing again a flush the store refused for being away: 100 ms, doubling to 2 s. */
const STORE_AWAY_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 2_000, jitter: 'none' };

/** Longest status detail kept (history, lastDetail, events). */
const MAX_DETAIL_CHARS = 300;

/** A transition as committed (its history row): the message, its new status, code and detail. */
export interface CommittedChange {
  readonly message_id: string;
  readonly status: string;
  readonly code?: string | null | undefined;
  readonly detail?: string | null | undefined;
}

/** One status transition of one message, with whatever else changed with it. */
export interface StatusChange {
  id: string;
  status: MessageStatus;
  at: number;
  code?: string | null;
  detail?: string | null;
  attempts?: number;
  nextAttemptAt?: number;
  connector?: string;
  sentAt?: number;
  finalAt?: number;
  /** Segments submitted upstream (recorded with `sent`). */
  newParts?: readonly { index: number; connector: string; upstreamId: string }[];
  /** A segment's receipt, for messages of several segments. */
  partUpdate?: { index: number; status: string; code: string | null };
  /** False for a segment-only update that does not change the message's status. */
  transition?: boolean;
}

/**
 * The single writer of message status. Changes from the dispatcher and the receipt handler are
 * grouped into one transaction per flush; several changes to one message in a flush become one
 * UPDATE (every transition still gets its history row).
 *
 * A change is a fact that happened (an upstream took the message, a receipt came): while the store
 * is away (PostgreSQL restarting, SQLite locked or its disk full) a flush is written again until
 * it is stored, and the flushes after it wait their turn. Giving one up would leave the message
 * `sending` in the store with nobody holding it: it would be taken over and submitted again, and
 * its later changes would overtake it (a `delivered` event before its `sent`).
 */
export class StatusWriter {
  private readonly committer: GroupCommitter<StatusChange>;
  /** Changes the lifecycle refused in their flush (read once by `record`). */
  private readonly refused = new WeakSet<StatusChange>();
  /** Past this time (set by `finishWithin` on stop) a flush the store refuses fails instead of waiting. */
  private retryUntil = Number.POSITIVE_INFINITY;
  /** Since when the store has been refusing flushes (for one log line per outage), or undefined. */
  private awaySince: number | undefined;

  /** Receives the events each flush wrote (the webhook deliverer), once they are committed. */
  onEvents: (events: PendingEvent[]) => void = () => {};
  /** Receives each flush's transitions once they are committed (callers waiting for verdicts). */
  onCommitted: (changes: readonly CommittedChange[]) => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
    maxBatch = 5000,
  ) {
    this.committer = new GroupCommitter((changes) => this.writeUntilStored(changes), maxBatch);
  }

  /**
   * On stop: flushes the store refuses are written again for at most `ms` more, then fail (their
   * messages stay as the store has them; the next start takes them up).
   */
  finishWithin(ms: number): void {
    this.retryUntil = Date.now() + ms;
  }

  /**
   * Queues a change; resolves once its flush is stored: true if the change happened, false if the
   * lifecycle refused it (the message was no longer in a status it may move from — canceled
   * meanwhile, or moved on by someone else).
   */
  async record(change: StatusChange): Promise<boolean> {
    await this.committer.submit(change);
    return !this.refused.has(change);
  }

  /** Resolves when every change recorded so far is stored. */
  idle(): Promise<void> {
    return this.committer.idle();
  }

  private async writeUntilStored(changes: StatusChange[]): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        await this.write(changes);
        if (this.awaySince !== undefined) {
          this.logger?.info({ awayMs: Date.now() - this.awaySince }, 'status changes are stored again');
          this.awaySince = undefined;
        }
        return;
      } catch (error) {
        const wait = backoffDelayMs(STORE_AWAY_BACKOFF, failures);
        // Anything else is a bug or a bad change: writing it again would fail again.
        if (!isStoreUnavailable(error) || Date.now() + wait > this.retryUntil) throw error;
        if (this.awaySince === undefined) {
          this.awaySince = Date.now();
          this.logger?.warn(
            { err: error },
            'the store refused status changes; writing them again until it is back',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async write(changes: StatusChange[]): Promise<void> {
    const patches = new Map<string, MessagePatch>();
    const history: Insertable<MessageHistoryTable>[] = [];
    const newParts: Insertable<MessagePartsTable>[] = [];
    const partUpdates: PartStatusUpdate[] = [];
    const events: StatusEventCandidate[] = [];
    for (const change of changes) {
      if (change.newParts) {
        for (const part of change.newParts) {
          newParts.push({
            message_id: change.id,
            part_index: part.index,
            connector: part.connector,
            upstream_id: part.upstreamId,
            status: 'sent',
            code: null,
            updated_at: change.at,
          });
        }
      }
      if (change.partUpdate) {
        partUpdates.push({
          messageId: change.id,
          partIndex: change.partUpdate.index,
          status: change.partUpdate.status,
          code: change.partUpdate.code,
          updatedAt: change.at,
        });
      }
      if (change.transition === false) continue;
      // Details carry upstream text (provider errors) that the message's account reads: one
      // bounded, printable line, whatever the upstream said.
      const detail = change.detail == null ? null : publicExcerpt(change.detail, MAX_DETAIL_CHARS);
      history.push({
        message_id: change.id,
        status: change.status,
        at: change.at,
        code: change.code ?? null,
        detail,
      });
      if (isEventStatus(change.status)) {
        events.push({
          messageId: change.id,
          status: change.status,
          code: change.code ?? null,
          detail,
          at: change.at,
        });
      }
      const previous = patches.get(change.id);
      patches.set(change.id, {
        id: change.id,
        status: change.status,
        // Several changes of one message in a flush: the first decides where it may come from.
        allowedFrom: previous?.allowedFrom ?? allowedFrom(change.status),
        updatedAt: change.at,
        attempts: change.attempts ?? previous?.attempts,
        nextAttemptAt: change.nextAttemptAt ?? previous?.nextAttemptAt,
        connector: change.connector ?? previous?.connector,
        lastCode: change.code ?? previous?.lastCode,
        lastDetail: detail ?? previous?.lastDetail,
        sentAt: change.sentAt ?? previous?.sentAt,
        finalAt: change.finalAt ?? previous?.finalAt,
      });
    }
    const written = await applyStatusBatch(this.store, {
      patches: [...patches.values()],
      history,
      newParts,
      partUpdates,
      events,
    });
    if (written.refused.size > 0) {
      for (const change of changes) if (written.refused.has(change.id)) this.refused.add(change);
    }
    if (written.events.length > 0) this.onEvents(written.events);
    this.onCommitted(
      written.refused.size === 0 ? history : history.filter((h) => !written.refused.has(h.message_id)),
    );
  }
}

const allowedFromCache = new Map<MessageStatus, string>();

/** The lifecycle's predecessors of `status`, as the store's guard reads them (`,queued,sending,`). */
function allowedFrom(status: MessageStatus): string {
  let value = allowedFromCache.get(status);
  if (value === undefined) {
    value = `,${predecessorsOf(status).join(',')},`;
    allowedFromCache.set(status, value);
  }
  return value;
}
