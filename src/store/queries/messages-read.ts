import type { Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { MessageHistoryTable, MessagePartsTable, MessagesTable } from '../schema.js';

export type MessageRow = Selectable<MessagesTable>;
export type HistoryRow = Selectable<MessageHistoryTable>;
export type PartRow = Selectable<MessagePartsTable>;

/** One message of one account (undefined when absent or another account's). */
export async function findMessage(
  store: Store,
  accountId: string,
  id: string,
): Promise<MessageRow | undefined> {
  return store.db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** A message's transitions, oldest first. */
export async function findHistory(store: Store, messageId: string): Promise<HistoryRow[]> {
  return store.db
    .selectFrom('message_history')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('id')
    .execute();
}

/** A message's segments as submitted upstream, in order. */
export async function findParts(store: Store, messageId: string): Promise<PartRow[]> {
  return store.db
    .selectFrom('message_parts')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('part_index')
    .execute();
}

export interface MessageFilter {
  accountId: string;
  status?: string | undefined;
  to?: string | undefined;
  clientRef?: string | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  /** Return messages with ids below this one (newest first paging). */
  before?: string | undefined;
  limit: number;
}

/** Messages of one account, newest first, keyset-paginated by id (ids sort by creation time). */
export async function listMessages(store: Store, filter: MessageFilter): Promise<MessageRow[]> {
  let query = store.db.selectFrom('messages').selectAll().where('account_id', '=', filter.accountId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.to) query = query.where('to_number', '=', filter.to);
  if (filter.clientRef) query = query.where('client_ref', '=', filter.clientRef);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Count of messages per status (all accounts, or one). */
export async function countByStatus(store: Store, accountId?: string): Promise<Record<string, number>> {
  let query = store.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status');
  if (accountId) query = query.where('account_id', '=', accountId);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
