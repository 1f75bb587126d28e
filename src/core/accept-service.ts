import type { Insertable } from 'kysely';
import type { AccountLimits } from '../accounts/account-limits.js';
import type { OptOutRegistry } from '../accounts/opt-out-registry.js';
import type { PriceList } from '../accounts/price-list.js';
import type { SenderNumbers } from '../accounts/sender-numbers.js';
import type { Config } from '../config/schema.js';
import type { DispatchItem } from '../queue/dispatch-item.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import { GroupCommitter } from '../queue/group-commit.js';
import type { Router } from '../routing/router.js';
import type { Store } from '../store/open-store.js';
import { type AcceptedUnit, storeAcceptedBatch } from '../store/queries/accepted-batch.js';
import { usagePeriod } from '../store/queries/account-usage.js';
import type { MessageHistoryTable, MessageRequestsTable, MessagesTable } from '../store/schema.js';
import { urlRefusal } from '../webhooks/address-guard.js';
import { BackpressureError, GatewayError, ValidationError } from './errors.js';
import { newId, newMessageId } from './ids.js';
import type { Logger } from './logger.js';
import { parseSender, type Sender, toE164 } from './phone-numbers.js';
import { type FieldNames, NATIVE_FIELD_NAMES, type SendInput } from './send-input.js';
import { type MessageStatus, priorityRank } from './statuses.js';
import { analyzeText, type TextAnalysis } from './text-encoding.js';

const MAX_VALIDITY_SECONDS = 30 * 24 * 3600;
const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 3600 * 1000;
const MAX_METADATA_BYTES = 4096;
const MAX_CLIENT_REF_LENGTH = 256;
/** As for account webhook URLs. */
export const MAX_CALLBACK_URL_LENGTH = 2000;

/** One accepted message as reported back to the caller. */
export interface AcceptedMessage {
  readonly id: string;
  readonly to: string;
  readonly status: MessageStatus;
  readonly connector: string;
  readonly createdAt: number;
}

/** A validated send, ready to commit: nothing has been stored yet. */
export interface PreparedSend {
  readonly accountId: string;
  readonly analysis: TextAnalysis;
  readonly messages: readonly AcceptedMessage[];
  readonly scheduleAt: number | null;
  readonly clientRef: string | null;
  readonly rows: readonly Insertable<MessagesTable>[];
  /** The fields several recipients share, stored once (their rows refer to it). */
  readonly request: Insertable<MessageRequestsTable> | undefined;
  readonly items: readonly DispatchItem[];
}

/** An idempotency record stored with the messages, in the same transaction. */
export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  statusCode: number;
  response: string;
}

interface CommitUnit {
  accountId: string;
  rows: readonly Insertable<MessagesTable>[];
  request: Insertable<MessageRequestsTable> | undefined;
  history: Insertable<MessageHistoryTable>[];
  idempotency: IdempotencyRecord | undefined;
  /** Segments this request adds to the account's monthly usage. */
  segments: number;
  /** What this request costs a prepaid account, in micros (0 otherwise). */
  costMicros: number;
  /** Set when the batch failed and this request, written alone, failed too. */
  failure?: unknown;
}

/**
 * The gateway's front door: validates a send (numbers, sender, text, options), counts its segments,
 * routes each recipient, and stores the messages in a group commit shared with every other request
 * arriving at the same time. Once stored, the messages go straight to the dispatcher.
 */
export class AcceptService {
  private readonly committer: GroupCommitter<CommitUnit>;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly router: Router,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly limits: AccountLimits,
    private readonly prices: PriceList,
    private readonly optOuts: OptOutRegistry,
    private readonly senderNumbers: SenderNumbers,
  ) {
    // PostgreSQL commits on other connections while one waits for its fsync; SQLite has one writer.
    const parallelCommits = store.dialect === 'postgres' ? 4 : 1;
    this.committer = new GroupCommitter((units) => this.write(units), config.queue.maxBatch, parallelCommits);
  }

  /** Validates and prices a send; throws a ValidationError naming the field at fault. */
  prepare(
    accountId: string,
    input: SendInput,
    names: FieldNames = NATIVE_FIELD_NAMES,
    now = Date.now(),
  ): PreparedSend {
    const { config } = this;
    if (input.to.length === 0)
      throw new ValidationError(`${names.to} must name at least one recipient`, names.to);
    if (input.to.length > config.maxRecipientsPerRequest) {
      throw new ValidationError(
        `${names.to} has ${input.to.length} recipients; at most ${config.maxRecipientsPerRequest} are allowed per request`,
        names.to,
      );
    }
    if (typeof input.text !== 'string' || input.text.length === 0) {
      throw new ValidationError(`${names.text} must not be empty`, names.text);
    }
    const analysis = analyzeText(input.text);
    if (analysis.characters > config.maxTextLength) {
      throw new ValidationError(
        `${names.text} has ${analysis.characters} characters; at most ${config.maxTextLength} are allowed`,
        names.text,
      );
    }
    const single = input.to.length === 1;
    const recipients = input.to.map((raw, i) => {
      const field = single ? names.to : `${names.to}[${i}]`;
      const to = toE164(String(raw), field, config.defaultRegion);
      if (this.optOuts.isOptedOut(accountId, to)) {
        throw new ValidationError(
          `${to} has opted out of messages from this account; nothing was sent (a reply of START, or removing the opt-out, lifts it)`,
          field,
          'recipient_opted_out',
        );
      }
      return to;
    });
    const sender: Sender | null =
      input.from !== undefined ? parseSender(input.from, names.from, config.defaultRegion) : null;

    let scheduleAt: number | null = null;
    if (input.scheduleAt !== undefined) {
      if (!Number.isFinite(input.scheduleAt))
        throw new ValidationError(`${names.scheduleAt} is not a valid time`, names.scheduleAt);
      if (input.scheduleAt > now + MAX_SCHEDULE_AHEAD_MS) {
        throw new ValidationError(`${names.scheduleAt} is more than a year ahead`, names.scheduleAt);
      }
      if (input.scheduleAt > now) scheduleAt = input.scheduleAt;
    }
    const validity = input.validitySeconds ?? config.queue.defaultValiditySeconds;
    if (!Number.isInteger(validity) || validity < 1 || validity > MAX_VALIDITY_SECONDS) {
      throw new ValidationError(
        `${names.validitySeconds} must be a whole number of seconds from 1 to ${MAX_VALIDITY_SECONDS}`,
        names.validitySeconds,
      );
    }
    const callbackUrl =
      input.callbackUrl !== undefined
        ? checkCallbackUrl(input.callbackUrl, names.callbackUrl, config.webhooks.allowPrivateAddresses)
        : null;
    const clientRef = input.clientRef ?? null;
    if (clientRef !== null && clientRef.length > MAX_CLIENT_REF_LENGTH) {
      throw new ValidationError(
        `${names.clientRef} is longer than ${MAX_CLIENT_REF_LENGTH} characters`,
        names.clientRef,
      );
    }
    let metadata: string | null = null;
    if (input.metadata !== undefined) {
      metadata = JSON.stringify(input.metadata);
      if (Buffer.byteLength(metadata) > MAX_METADATA_BYTES) {
        throw new ValidationError(
          `${names.metadata} is larger than ${MAX_METADATA_BYTES} bytes`,
          names.metadata,
        );
      }
    }

    // Several recipients share one copy of the callback URL and metadata (a 1,000-recipient request
    // must not write them 1,000 times).
    const callbackFormat = input.callbackFormat ?? null;
    const request: Insertable<MessageRequestsTable> | undefined =
      recipients.length > 1 && (callbackUrl !== null || metadata !== null)
        ? {
            id: newId('req'),
            account_id: accountId,
            callback_url: callbackUrl,
            callback_format: callbackFormat,
            metadata,
            created_at: now,
          }
        : undefined;
    const status: MessageStatus = scheduleAt === null ? 'queued' : 'scheduled';
    const expiresAt = (scheduleAt ?? now) + validity * 1000;
    const priority = priorityRank(input.priority ?? 'normal');
    const rows: Insertable<MessagesTable>[] = [];
    const items: DispatchItem[] = [];
    const messages: AcceptedMessage[] = [];
    recipients.forEach((to, i) => {
      const route = this.router.resolve(
        { to, accountId, channel: input.channel, sender: sender?.value ?? null },
        single ? names.to : `${names.to}[${i}]`,
      );
      const id = newMessageId();
      rows.push({
        id,
        account_id: accountId,
        to_number: to,
        sender: sender?.value ?? null,
        sender_kind: sender?.kind ?? null,
        body: input.text,
        encoding: analysis.encoding,
        segments: analysis.segments,
        status,
        priority,
        connector: route.connector,
        route: route.route,
        attempts: 0,
        next_attempt_at: scheduleAt,
        expires_at: expiresAt,
        schedule_at: scheduleAt,
        callback_url: request ? null : callbackUrl,
        client_ref: clientRef,
        metadata: request ? null : metadata,
        last_code: null,
        last_detail: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
        final_at: null,
        callback_format: request ? null : callbackFormat,
        reply_required: input.replyRequired ? 1 : null,
        request_id: request?.id ?? null,
      });
      items.push({
        id,
        accountId,
        to,
        from: sender?.value ?? null,
        fromKind: sender?.kind ?? null,
        text: input.text,
        encoding: analysis.encoding,
        segments: analysis.segments,
        priority,
        connector: route.connector,
        route: route.route,
        expiresAt,
        attempts: 0,
        scheduled: scheduleAt !== null,
      });
      messages.push({ id, to, status, connector: route.connector, createdAt: now });
    });
    return { accountId, analysis, messages, scheduleAt, clientRef, rows, request, items };
  }

  /**
   * Stores a prepared send (with its idempotency record, if any) in the next group commit and hands
   * it to the dispatcher. Throws 503 when the queue is full or the store cannot be written.
   */
  async commit(
    prepared: PreparedSend,
    idempotency?: IdempotencyRecord,
    names: FieldNames = NATIVE_FIELD_NAMES,
  ): Promise<void> {
    const count = prepared.rows.length;
    const segments = count * prepared.analysis.segments;
    // Account limits first: a refused request must change nothing, so each check gives back what
    // the earlier ones took.
    const limits = await this.limits.limitsOf(prepared.accountId);
    this.limits.checkSender(limits, prepared.rows[0]?.sender ?? null, names.from);
    this.senderNumbers.checkSender(prepared.accountId, prepared.rows[0]?.sender ?? null, names.from);
    const giveBackRate = this.limits.takeRate(prepared.accountId, limits, count);
    let giveBackQuota: () => void = () => {};
    let giveBackBalance: () => void = () => {};
    let costMicros = 0;
    try {
      giveBackQuota = await this.limits.reserveQuota(prepared.accountId, limits, segments);
      if (limits.prepaid) {
        costMicros = await this.prices.cost(
          prepared.messages.map((m) => m.to),
          prepared.analysis.segments,
          names.to,
        );
        giveBackBalance = await this.limits.reserveBalance(prepared.accountId, costMicros);
      }
      this.dispatcher.reserve(count);
    } catch (error) {
      giveBackRate();
      giveBackQuota();
      giveBackBalance();
      throw error;
    }
    const history = prepared.rows.map((row) => ({
      message_id: row.id,
      status: row.status,
      at: row.created_at,
      code: null,
      detail: null,
    }));
    const unit: CommitUnit = {
      accountId: prepared.accountId,
      rows: prepared.rows,
      request: prepared.request,
      history,
      idempotency,
      segments,
      costMicros,
    };
    try {
      await this.committer.submit(unit);
      if (unit.failure !== undefined) throw unit.failure;
    } catch (error) {
      this.dispatcher.releaseReserved(count);
      giveBackRate();
      giveBackQuota();
      giveBackBalance();
      if (error instanceof GatewayError) throw error;
      this.logger.error({ err: error }, 'could not store accepted messages');
      throw new BackpressureError(
        503,
        'store_unavailable',
        'The message store is unavailable; nothing was accepted, retry later',
        5,
      );
    }
    this.dispatcher.accepted(prepared.items, prepared.scheduleAt);
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
      request: unit.request,
      history: unit.history,
      usage: { period: usagePeriod(createdAt), segments: unit.segments },
      debitMicros: unit.costMicros,
      idempotency: unit.idempotency && {
        ...unit.idempotency,
        createdAt,
        expiredBefore: createdAt - this.config.idempotencyTtlSeconds * 1000,
      },
    };
  }
}

function checkCallbackUrl(value: string, field: string, allowPrivateAddresses: boolean): string {
  if (value.length > MAX_CALLBACK_URL_LENGTH) {
    throw new ValidationError(
      `${field} is ${value.length} characters long; at most ${MAX_CALLBACK_URL_LENGTH} are allowed`,
      field,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${field} "${value}" is not a valid URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`${field} must be an http or https URL`, field);
  }
  // Literal addresses are checked now; names are checked when they are resolved, at delivery.
  const refusal = urlRefusal(url.toString(), { allowPrivateAddresses });
  if (refusal !== null)
    throw new ValidationError(`${field} is not allowed: ${refusal}`, field, 'callback_not_allowed');
  const normalized = url.toString();
  // Percent-encoding while normalising can lengthen it: the cap holds for what is stored.
  if (normalized.length > MAX_CALLBACK_URL_LENGTH) {
    throw new ValidationError(
      `${field} is longer than ${MAX_CALLBACK_URL_LENGTH} characters once encoded`,
      field,
    );
  }
  return normalized;
}
