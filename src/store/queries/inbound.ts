import type { Selectable } from 'kysely';
import { newId } from '../../core/ids.js';
import { SMPP_FORMATS, smppReceiptUrl } from '../../core/smpp-destination.js';
import type { Store } from '../open-store.js';
import type { InboundMessagesTable } from '../schema.js';
import { PENDING_COLUMN_LIST, type PendingEvent, toPendingEvent } from './events.js';
import { deleteInboundParts } from './inbound-parts.js';

export type InboundRow = Selectable<InboundMessagesTable>;

/** A recent outbound message to a number: a candidate for the conversation a reply belongs to. */
export interface OutboundCandidate {
  id: string;
  account_id: string;
  sender: string | null;
  created_at: number;
  reply_required: number | null;
}

/** How many recent messages to a number are looked at to find who is in conversation with it. */
const CANDIDATE_ROWS = 200;

/**
 * The conversations a reply may belong to: per account, its latest message sent to `number`
 * through `connector` from one of `senders` (spellings of the number the reply went to) or without
 * a sender id of its own (sent with the connector's default). Newest first; limited to one
 * account when `accountId` is given (an owned number).
 */
export async function conversationCandidates(
  store: Store,
  number: string,
  connector: string,
  senders: readonly string[],
  accountId?: string,
): Promise<OutboundCandidate[]> {
  let query = store.db
    .selectFrom('messages')
    .select(['id', 'account_id', 'sender', 'created_at', 'reply_required'])
    .where('to_number', '=', number)
    .where('connector', '=', connector)
    .where((eb) =>
      eb.or([eb('sender', 'is', null), eb('sender', 'in', senders.length > 0 ? senders : [''])]),
    );
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(CANDIDATE_ROWS)
    .execute();
  const latestPerAccount = new Map<string, OutboundCandidate>();
  for (const row of rows) {
    if (!latestPerAccount.has(row.account_id))
      latestPerAccount.set(row.account_id, { ...row, created_at: Number(row.created_at) });
  }
  return [...latestPerAccount.values()];
}

/** What receiving one inbound message changes, all in one transaction. */
export interface InboundWrite {
  row: InboundRow;
  /**
   * Opt-outs the message records (`stop`) or lifts (`start`) for its sender: for the account it
   * belongs to, or, for a reply to a number several accounts wrote from, for each of them.
   */
  optOuts: readonly { accountId: string; action: 'stop' | 'start' }[];
  /** The stored parts this message was assembled from, deleted in the same transaction. */
  assembledFrom?: string | undefined;
}

/**
 * Stores an inbound message with everything it implies: the reply mark on the message it answers,
 * the opt-out it asks for, and its event when the account has an inbound webhook. Returns the
 * event to deliver, if one was written.
 */
export async function storeInbound(store: Store, write: InboundWrite, now: number): Promise<PendingEvent[]> {
  const { row } = write;
  return store.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('inbound_messages')
      .values(row)
      .onConflict((oc) => oc.columns(['connector', 'upstream_id']).doNothing())
      .executeTakeFirst();
    // Already stored (the provider sent it again): nothing more to do.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 1) === 0) return [];
    if (write.assembledFrom !== undefined) await deleteInboundParts(trx, write.assembledFrom);
    if (row.message_id !== null) {
      await trx
        .updateTable('messages')
        .set({ replied_at: row.received_at })
        .where('id', '=', row.message_id)
        .where('replied_at', 'is', null)
        .execute();
    }
    for (const { accountId, action } of write.optOuts) {
      if (action === 'stop') {
        await trx
          .insertInto('opt_outs')
          .values({
            account_id: accountId,
            number: row.from_number,
            source: 'keyword',
            inbound_id: row.id,
            created_at: now,
          })
          .onConflict((oc) => oc.columns(['account_id', 'number']).doNothing())
          .execute();
      } else {
        await trx
          .deleteFrom('opt_outs')
          .where('account_id', '=', accountId)
          .where('number', '=', row.from_number)
          .execute();
      }
    }
    if (row.account_id === null) return [];
    const account = await trx
      .selectFrom('accounts')
      .select(['inbound_webhook_url', 'inbound_webhook_format'])
      .where('id', '=', row.account_id)
      .executeTakeFirst();
    let url = account?.inbound_webhook_url ?? null;
    let format = account?.inbound_webhook_format ?? 'native';
    if (!url) {
      // An account that binds over SMPP and has no inbound webhook gets its inbound messages as
      // deliver_sm on its receiver binds (queued in the outbox while none is bound).
      const smpp = await trx
        .selectFrom('credentials')
        .select('id')
        .where('account_id', '=', row.account_id)
        .where('kind', '=', 'smpp')
        .where('revoked_at', 'is', null)
        .limit(1)
        .executeTakeFirst();
      if (!smpp) return [];
      url = smppReceiptUrl(row.account_id);
      format = SMPP_FORMATS.final;
    }
    const event = await trx
      .insertInto('events')
      .values({
        id: newId('evt'),
        account_id: row.account_id,
        type: 'message.inbound',
        message_id: row.message_id,
        inbound_id: row.id,
        order_key: row.id,
        status: null,
        code: null,
        detail: null,
        at: row.received_at,
        url,
        format,
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        pending_since: now,
        last_error: null,
        delivered_at: null,
        created_at: now,
      })
      .returning(PENDING_COLUMN_LIST)
      .executeTakeFirstOrThrow();
    return [toPendingEvent(event)];
  });
}

export interface InboundFilter {
  /** Limit to these accounts (undefined = all, including unattributed messages). */
  accountIds?: readonly string[] | undefined;
  messageId?: string | undefined;
  from?: string | undefined;
  /** Ids below this one (newest-first paging). */
  before?: string | undefined;
  limit: number;
}

/** Inbound messages, newest first. */
export async function listInbound(store: Store, filter: InboundFilter): Promise<InboundRow[]> {
  let query = store.db.selectFrom('inbound_messages').selectAll();
  if (filter.accountIds)
    query = query.where('account_id', 'in', filter.accountIds.length > 0 ? filter.accountIds : ['']);
  if (filter.messageId) query = query.where('message_id', '=', filter.messageId);
  if (filter.from) query = query.where('from_number', '=', filter.from);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function findInbound(
  store: Store,
  id: string,
  accountIds?: readonly string[],
): Promise<InboundRow | undefined> {
  let query = store.db.selectFrom('inbound_messages').selectAll().where('id', '=', id);
  if (accountIds) query = query.where('account_id', 'in', accountIds.length > 0 ? accountIds : ['']);
  return query.executeTakeFirst();
}
