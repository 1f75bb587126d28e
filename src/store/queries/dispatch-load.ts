import type { Store } from '../open-store.js';
import type { MessageRow } from './messages-read.js';

/**
 * Queued messages ready to send now, most urgent first, oldest first within a priority. The
 * dispatcher reads these only when its in-memory queue has room and the store holds more than
 * memory does (after a restart, or after a burst larger than the memory limit).
 */
export async function loadReadyMessages(
  store: Store,
  now: number,
  limit: number,
  after?: { priority: number; id: string },
): Promise<MessageRow[]> {
  let query = store.db
    .selectFrom('messages')
    .selectAll()
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]));
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('priority', '<', after.priority),
        eb.and([eb('priority', '=', after.priority), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.orderBy('priority', 'desc').orderBy('id').limit(limit).execute();
}

/** Messages caught mid-submission by a stop or crash; they are submitted again. */
export async function loadSendingMessages(store: Store): Promise<MessageRow[]> {
  return store.db.selectFrom('messages').selectAll().where('status', '=', 'sending').orderBy('id').execute();
}

/** Ids and due times of scheduled or retry-waiting messages due up to `until`. */
export async function loadDueSoon(store: Store, until: number): Promise<{ id: string; due: number }[]> {
  const rows = await store.db
    .selectFrom('messages')
    .select(['id', 'next_attempt_at'])
    .where('status', 'in', ['queued', 'scheduled'])
    .where('next_attempt_at', 'is not', null)
    .where('next_attempt_at', '<=', until)
    .execute();
  return rows.map((r) => ({ id: r.id, due: r.next_attempt_at ?? 0 }));
}

/** Full rows for the given ids (any order). */
export async function loadMessagesByIds(store: Store, ids: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return store.db.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
}

/** How many messages wait to be sent (the figure the queue limit is checked against). */
export async function countUnsent(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['queued', 'scheduled', 'sending'])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Messages sent through `connector` that still wait for receipts, with their segments' upstream ids. */
export async function loadAwaitingReceipts(
  store: Store,
  connector: string,
): Promise<{ messageId: string; to: string; upstreamIds: string[] }[]> {
  const rows = await store.db
    .selectFrom('messages')
    .innerJoin('message_parts', 'message_parts.message_id', 'messages.id')
    .select(['messages.id', 'messages.to_number', 'message_parts.upstream_id', 'message_parts.part_index'])
    .where('messages.status', '=', 'sent')
    .where('message_parts.connector', '=', connector)
    .orderBy('messages.id')
    .orderBy('message_parts.part_index')
    .execute();
  const byId = new Map<string, { messageId: string; to: string; upstreamIds: string[] }>();
  for (const row of rows) {
    let entry = byId.get(row.id);
    if (!entry) {
      entry = { messageId: row.id, to: row.to_number, upstreamIds: [] };
      byId.set(row.id, entry);
    }
    entry.upstreamIds.push(row.upstream_id);
  }
  return [...byId.values()];
}
