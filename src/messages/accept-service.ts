import type { Insertable } from 'kysely';
import {
  type AccountLimits,
  balanceInsufficient,
  type Limits,
  quotaExceeded,
} from '../accounts/account-limits.js';
import type { PriceList } from '../accounts/price-list.js';
import { NOTHING_RESERVED, type Reservation } from '../accounts/reservation-ledger.js';
import type { SenderNumbers } from '../accounts/sender-numbers.js';
import type { Config } from '../config/schema.js';
import { BackpressureError, GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { currentRequestContext } from '../core/request-context.js';
import { type FieldNames, NATIVE_FIELD_NAMES } from '../core/send-input.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import { GroupCommitter } from '../queue/group-commit.js';
import type { Store } from '../store/open-store.js';
import { type AcceptedUnit, LimitRefusal, storeAcceptedBatch } from '../store/queries/accepted-batch.js';
import { usagePeriod } from '../store/queries/account-usage.js';
import type {
  MessageHistoryTable,
  MessageRefsTable,
  MessageRequestsTable,
  MessagesTable,
} from '../store/schema.js';
import type { PreparedSend } from './send-preparer.js';

/** An idempotency record stored with the messages, in the same transaction. */
export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  statusCode: number;
  response: string;
}

interface CommitUnit {
  accountId: string;
  rows: Insertable<MessagesTable>[];
  requests: Insertable<MessageRequestsTable>[];
  refs: Insertable<MessageRefsTable>[];
  history: Insertable<MessageHistoryTable>[];
  idempotency: IdempotencyRecord | undefined;
  /** Segments this request adds to the account's monthly usage. */
  segments: number;
  /** The account's monthly segment quota (null: none), checked again by the store. */
  quota: number | null;
  /** What this request costs a prepaid account, in micros (0 otherwise). */
  costMicros: number;
  /** Set when the batch failed and this request, written alone, failed too. */
  failure?: unknown;
}

/**
 * Stores prepared sends: checks the account's limits (sender ids, rate, quota, prepaid balance,
 * queue room), then writes the messages in a group commit shared with every other request arriving
 * at the same time, and hands them to the dispatcher. The sends of one call are one unit: all of
 * them are stored, or none.
 */
export class AcceptService {
  private readonly committer: GroupCommitter<CommitUnit>;
  /** Told of each committed request: its messages' first statuses, how long it took, its dialect. */
  onAccepted: (statuses: readonly string[], seconds: number, dialect: string) => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly limits: AccountLimits,
    private readonly prices: PriceList,
    private readonly senderNumbers: SenderNumbers,
    /** This node's claim on what it accepts: it dispatches them itself (no polling, no other node). */
    private readonly lease: { readonly owner: string; readonly ms: number },
  ) {
    // PostgreSQL commits on other connections while one waits for its fsync; SQLite has one writer.
    const parallelCommits = store.dialect === 'postgres' ? 4 : 1;
    this.committer = new GroupCommitter((units) => this.write(units), config.queue.maxBatch, parallelCommits);
  }

  /**
   * Stores prepared sends of one account (with the request's idempotency record, if any) in the
   * next group commit and hands them to the dispatcher. `names[i]` spells send i's fields. Throws
   * the account-limit errors, 503 when the queue is full or the store cannot be written.
   */
  async commit(
    prepared: PreparedSend | readonly PreparedSend[],
    idempotency?: IdempotencyRecord,
    names: FieldNames | readonly FieldNames[] = NATIVE_FIELD_NAMES,
  ): Promise<void> {
    const sends = Array.isArray(prepared)
      ? (prepared as readonly PreparedSend[])
      : [prepared as PreparedSend];
    const startedAt = performance.now();
    const context = currentRequestContext();
    const nameOf = (i: number) => (Array.isArray(names) ? names[i]! : (names as FieldNames));
    const accountId = sends[0]!.accountId;
    const count = sends.reduce((n, s) => n + s.rows.length, 0);
    const segments = sends.reduce((n, s) => n + s.rows.length * s.analysis.segments, 0);
    // Account limits first: a refused request must change nothing, so each check gives back what
    // the earlier ones took.
    const limits = await this.limits.limitsOf(accountId);
    sends.forEach((send, i) => {
      this.limits.checkSender(limits, send.sender, nameOf(i).from);
      this.senderNumbers.checkSender(accountId, send.sender, nameOf(i).from);
    });
    const giveBackRate = this.limits.takeRate(accountId, limits, count);
    let quota: Reservation = NOTHING_RESERVED;
    let balance: Reservation = NOTHING_RESERVED;
    let costMicros = 0;
    try {
      quota = await this.limits.reserveQuota(accountId, limits, segments);
      if (limits.prepaid) {
        for (const [i, send] of sends.entries()) {
          costMicros += await this.prices.cost(
            send.messages.map((m) => m.to),
            send.analysis.segments,
            nameOf(i).to,
            nameOf(i).recipient,
          );
        }
        balance = await this.limits.reserveBalance(accountId, costMicros);
      }
      this.dispatcher.reserve(count);
    } catch (error) {
      giveBackRate();
      quota.giveBack();
      balance.giveBack();
      throw error;
    }
    const rows = sends.flatMap((s) => s.rows);
    const leaseUntil = Date.now() + this.lease.ms;
    // The accepting request's id in the first history entry: a message's timeline leads to the
    // request's log lines (which carry the same id), without a column of its own.
    const acceptedBy = context ? `accepted by request ${context.requestId} (${context.dialect})` : null;
    for (const row of rows) {
      row.lease_owner = this.lease.owner;
      row.lease_until = leaseUntil;
    }
    const unit: CommitUnit = {
      accountId,
      rows,
      requests: sends.flatMap((s) => (s.request ? [s.request] : [])),
      refs: sends.flatMap((s) => s.refs),
      history: rows.map((row) => ({
        message_id: row.id,
        status: row.status,
        at: row.created_at,
        code: null,
        detail: acceptedBy,
      })),
      idempotency,
      segments,
      quota: limits.monthlySegmentQuota,
      costMicros,
    };
    try {
      await this.committer.submit(unit);
      if (unit.failure !== undefined) throw unit.failure;
    } catch (error) {
      this.dispatcher.releaseReserved(count);
      giveBackRate();
      quota.giveBack();
      balance.giveBack();
      if (error instanceof LimitRefusal) throw this.refusal(error, limits, segments, costMicros);
      if (error instanceof GatewayError) throw error;
      this.logger.error({ err: error }, 'could not store accepted messages');
      throw new BackpressureError(
        503,
        'store_unavailable',
        'The message store is unavailable; nothing was accepted, retry later',
        5,
      );
    }
    quota.settle();
    balance.settle();
    for (const send of sends) this.dispatcher.accepted(send.items, send.scheduleAt);
    this.onAccepted(
      rows.map((row) => row.status),
      (performance.now() - startedAt) / 1000,
      context?.dialect ?? 'internal',
    );
  }

  /** The store's verdict where this node's cached view was behind: re-read it next time. */
  private refusal(refusal: LimitRefusal, limits: Limits, segments: number, costMicros: number): GatewayError {
    this.limits.forgetCommitted(refusal.accountId);
    return refusal.limit === 'quota'
      ? quotaExceeded(limits.monthlySegmentQuota ?? 0, undefined, segments)
      : balanceInsufficient(undefined, costMicros);
  }

  private async write(units: CommitUnit[]): Promise<void> {
    try {
      await storeAcceptedBatch(
        this.store,
        units.map((unit) => this.toStored(unit)),
      );
    } catch (error) {
      if (units.length === 1) throw error;
      // One bad request must not fail the others that happened to share its transaction.
      for (const unit of units) {
        try {
          await storeAcceptedBatch(this.store, [this.toStored(unit)]);
        } catch (unitError) {
          unit.failure = unitError;
        }
      }
    }
  }

  private toStored(unit: CommitUnit): AcceptedUnit {
    const createdAt = unit.rows[0]?.created_at ?? Date.now();
    return {
      accountId: unit.accountId,
      rows: unit.rows,
      requests: unit.requests,
      refs: unit.refs,
      history: unit.history,
      usage: { period: usagePeriod(createdAt), segments: unit.segments, quota: unit.quota },
      debitMicros: unit.costMicros,
      idempotency: unit.idempotency && {
        ...unit.idempotency,
        createdAt,
        expiredBefore: createdAt - this.config.idempotencyTtlSeconds * 1000,
      },
    };
  }
}
