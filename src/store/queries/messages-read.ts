import type { Kysely, Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database, MessageHistoryTable, MessagePartsTable, MessagesTable } from '../schema.js';

export type MessageRow = Selectable<MessagesTable>;

/** Messages with the fields they share with their request (callback URL, metadata) filled in. */
function messagesWithShared(db: Kysely<Database>) {
  return db
    .selectFrom('messages')
    .leftJoin('message_requests as r', 'r.id', 'messages.request_id')
    .selectAll('messages')
    .select([
      'r.callback_url as shared_callback_url',
      'r.callback_format as shared_callback_format',
      'r.metadata as shared_metadata',
    ]);
}

type WithShared = MessageRow & {
  shared_callback_url: string | null;
  shared_callback_format: string | null;
  shared_metadata: string | null;
};

function fillShared({ shared_callback_url, shared_callback_format, shared_metadata, ...row }: WithShared) {
  return {
    ...row,
    callback_url: row.callback_url ?? shared_callback_url,
    callback_format: row.callback_format ?? shared_callback_format,
    metadata: row.metadata ?? shared_metadata,
  } satisfies MessageRow;
}
export type HistoryRow = Selectable<MessageHistoryTable>;
export type PartRow = Selectable<MessagePartsTable>;

/** One message of one account (undefined when absent or another account's). */
export async function findMessage(
  store: Store,
  accountId: string,
  id: string,
): Promise<MessageRow | undefined> {
  const row = await messagesWithShared(store.db)
    .where('messages.id', '=', id)
    .where('messages.account_id', '=', accountId)
    .executeTakeFirst();
  return row && fillShared(row);
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
  /** The sender as stored (E.164, short code or sender id). */
  from?: string | undefined;
  clientRef?: string | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  /** Return messages with ids below this one (newest first paging). */
  before?: string | undefined;
  /** Only messages carrying this ref (`commId` = …). */
  ref?: { name: string; value: string } | undefined;
  limit: number;
}

/** Messages of one account, newest first, keyset-paginated by id (ids sort by creation time). */
export async function listMessages(store: Store, filter: MessageFilter): Promise<MessageRow[]> {
  let query = messagesWithShared(store.db).where('messages.account_id', '=', filter.accountId);
  if (filter.status) query = query.where('messages.status', '=', filter.status);
  if (filter.to) query = query.where('messages.to_number', '=', filter.to);
  if (filter.from) query = query.where('messages.sender', '=', filter.from);
  if (filter.clientRef) query = query.where('messages.client_ref', '=', filter.clientRef);
  if (filter.since !== undefined) query = query.where('messages.created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('messages.created_at', '<', filter.until);
  if (filter.before) query = query.where('messages.id', '<', filter.before);
  const ref = filter.ref;
  if (ref) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('message_refs as f')
          .select('f.message_id')
          .whereRef('f.message_id', '=', 'messages.id')
          .where('f.account_id', '=', filter.accountId)
          .where('f.name', '=', ref.name)
          .where('f.value', '=', ref.value),
      ),
    );
  }
  const rows = await query.orderBy('messages.id', 'desc').limit(filter.limit).execute();
  return rows.map(fillShared);
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

/** A message's refs, by name. */
export async function findRefs(store: Store, messageId: string): Promise<Record<string, string>> {
  const rows = await store.db
    .selectFrom('message_refs')
    .select(['name', 'value'])
    .where('message_id', '=', messageId)
    .orderBy('name')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

/** Where these messages of one account stand (status and last code/detail), for verdicts. */
export async function readStatuses(
  store: Store,
  accountId: string,
  ids: readonly string[],
): Promise<{ id: string; status: string; code: string | null; detail: string | null }[]> {
  if (ids.length === 0) return [];
  const out: { id: string; status: string; code: string | null; detail: string | null }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await store.db
      .selectFrom('messages')
      .select(['id', 'status', 'last_code', 'last_detail'])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.push({ id: r.id, status: r.status, code: r.last_code, detail: r.last_detail });
  }
  return out;
}

/** The connector each of these messages of one account is on now (after a failover, the one that took it). */
export async function readConnectors(
  store: Store,
  accountId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await store.db
      .selectFrom('messages')
      .select(['id', 'connector'])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.connector !== null) out.set(r.id, r.connector);
  }
  return out;
}
