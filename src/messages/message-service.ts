import type { Principal } from '../accounts/roles.js';
import type { Config } from '../config/schema.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { type FieldNames, NATIVE_FIELD_NAMES, type SendInput } from '../core/send-input.js';
import { isFinalStatus, type MessageStatus } from '../core/statuses.js';
import type { MessageEncoding } from '../core/text-encoding.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import type { Store } from '../store/open-store.js';
import { cancelMessage } from '../store/queries/cancel.js';
import {
  findHistory,
  findMessage,
  findParts,
  findRefs,
  type HistoryRow,
  listMessages,
  type MessageFilter,
  type MessageRow,
  type PartRow,
  readConnectors,
  readStatuses,
} from '../store/queries/messages-read.js';
import type { WebhookDeliverer } from '../webhooks/webhook-deliverer.js';
import type { AcceptService } from './accept-service.js';
import { IdempotencyGuard } from './idempotency.js';
import type { AcceptedMessage, PreparedSend, SendPreparer } from './send-preparer.js';
import type { Verdict, VerdictWaiters } from './verdicts.js';

/** What one send of a request (one text, its recipients) became. */
export interface SentBatch {
  readonly messages: readonly AcceptedMessage[];
  readonly encoding: MessageEncoding;
  readonly segments: number;
  readonly clientRef: string | null;
  readonly scheduleAt: number | null;
}

/** What a send call returns: every send's messages, and whether an idempotent replay answered it. */
export interface SendOutcome {
  readonly replayed: boolean;
  readonly sends: readonly SentBatch[];
  /** A response stored before this format existed (native bodies), replayed as it is. */
  readonly legacyBody?: string;
}

export interface SendOptions {
  /** How the caller's dialect spells each send's fields (errors name them so). */
  readonly names?: FieldNames | readonly FieldNames[];
  /**
   * Make the call safe to retry: the same key with the same request answers the first outcome
   * (for `idempotencyTtlSeconds`); with another request, 409. `request` identifies the request
   * (method, path, body: compared in a canonical form).
   */
  readonly idempotency?: {
    readonly key: string;
    readonly request: { method: string; path: string; body: unknown };
  };
}

/** A message with everything a read shows. */
export interface MessageDetail {
  readonly row: MessageRow;
  readonly history: readonly HistoryRow[];
  readonly parts: readonly PartRow[];
  readonly refs: Readonly<Record<string, string>>;
}

const OUTCOME_VERSION = 2;

/**
 * The one entry to messages for every API dialect (and the SMPP server): send — validated,
 * idempotent, committed, dispatched —, wait for verdicts, cancel, read and list. Dialects only
 * translate their caller's language into these calls and the answers back.
 */
export class MessageService {
  private readonly idempotency: IdempotencyGuard;

  constructor(
    private readonly store: Store,
    private readonly preparer: SendPreparer,
    private readonly accept: AcceptService,
    private readonly dispatcher: Dispatcher,
    private readonly webhooks: WebhookDeliverer,
    private readonly waiters: VerdictWaiters,
    private readonly config: Config,
  ) {
    this.idempotency = new IdempotencyGuard(store, config.idempotencyTtlSeconds);
  }

  /**
   * Validates (every bad field reported), stores and dispatches one send or several (all or none
   * of them). Throws 400 (validation), 403/402/429 (account limits), 409 (idempotency key reused),
   * 503 (queue full, store unavailable).
   */
  async send(
    principal: Principal,
    input: SendInput | readonly SendInput[],
    options: SendOptions = {},
  ): Promise<SendOutcome> {
    const inputs: readonly SendInput[] = Array.isArray(input) ? input : [input as SendInput];
    const names = Array.isArray(options.names)
      ? (options.names as readonly FieldNames[])
      : inputs.map(() => (options.names as FieldNames | undefined) ?? NATIVE_FIELD_NAMES);
    const prepare = () => this.preparer.prepareAll(principal.accountId, inputs, names);
    const { idempotency } = options;
    if (!idempotency) {
      const prepared = prepare();
      await this.accept.commit(prepared, undefined, names);
      return { replayed: false, sends: prepared.map(sentBatch) };
    }
    const result = await this.idempotency.run(
      principal.accountId,
      idempotency.key,
      idempotency.request,
      async (requestHash) => {
        const prepared = prepare();
        const sends = prepared.map(sentBatch);
        const response = JSON.stringify({ v: OUTCOME_VERSION, sends });
        await this.accept.commit(
          prepared,
          { key: idempotency.key, requestHash, statusCode: 202, response },
          names,
        );
        return { status: 202, body: response };
      },
    );
    const stored = JSON.parse(result.body) as { v?: number; sends?: SentBatch[] };
    if (stored.v !== OUTCOME_VERSION || !stored.sends) {
      return { replayed: result.replayed, sends: [], legacyBody: result.body };
    }
    return { replayed: result.replayed, sends: stored.sends };
  }

  /**
   * Validates sends exactly as `send` does, storing nothing: for a dialect that found bad fields of
   * its own and must report the gateway's too, all in one answer. Throws the 400s `send` would.
   */
  validate(principal: Principal, inputs: readonly SendInput[], names: readonly FieldNames[]): void {
    this.preparer.prepareAll(principal.accountId, inputs, names);
  }

  /** The connector each message is on now (after a failover, the one that took it over). */
  connectorsOf(accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
    return readConnectors(this.store, accountId, ids);
  }

  /**
   * Waits until each message is `sent` or final, at most `timeoutMs` (`messages.verdictWaitMs` by
   * default); those still on their way then are reported as they stand (they keep going).
   */
  waitForVerdicts(
    accountId: string,
    ids: readonly string[],
    timeoutMs = this.config.messages.verdictWaitMs,
  ): Promise<Map<string, Verdict>> {
    return this.waiters.waitFor(ids, timeoutMs, async (pending) =>
      (await readStatuses(this.store, accountId, pending)).map((r) => ({
        ...r,
        status: r.status as MessageStatus,
      })),
    );
  }

  /** One of the caller's messages with its history, parts and refs; 404 when it is not theirs. */
  async read(principal: Principal, id: string): Promise<MessageDetail> {
    const row = await findMessage(this.store, principal.accountId, id);
    if (!row) throw new NotFoundError(`Message ${id}`);
    const [history, parts, refs] = await Promise.all([
      findHistory(this.store, row.id),
      findParts(this.store, row.id),
      findRefs(this.store, row.id),
    ]);
    return { row, history, parts, refs };
  }

  /** The caller's messages, newest first. */
  list(principal: Principal, filter: Omit<MessageFilter, 'accountId'>): Promise<MessageRow[]> {
    return listMessages(this.store, { ...filter, accountId: principal.accountId });
  }

  /** Cancels a message that has not left the gateway; 404 if not theirs, 409 if too late. */
  async cancel(principal: Principal, id: string): Promise<MessageDetail> {
    const row = await findMessage(this.store, principal.accountId, id);
    if (!row) throw new NotFoundError(`Message ${id}`);
    if (!this.dispatcher.beginCancel(id)) {
      throw new ConflictError(
        `Message ${id} is being sent right now and can no longer be canceled`,
        'not_cancelable',
      );
    }
    let canceled = false;
    try {
      const result = await cancelMessage(this.store, principal.accountId, id, Date.now());
      canceled = result.canceled;
      this.webhooks.enqueue(result.events);
    } finally {
      this.dispatcher.endCancel(id, canceled);
    }
    if (!canceled) {
      const current = await findMessage(this.store, principal.accountId, id);
      const status = current?.status ?? row.status;
      throw new ConflictError(
        `Message ${id} is ${status}${isFinalStatus(status) ? '' : ' (it has left the gateway)'} and can no longer be canceled`,
        'not_cancelable',
      );
    }
    return this.read(principal, id);
  }
}

function sentBatch(send: PreparedSend): SentBatch {
  return {
    messages: send.messages,
    encoding: send.analysis.encoding,
    segments: send.analysis.segments,
    clientRef: send.clientRef,
    scheduleAt: send.scheduleAt,
  };
}
