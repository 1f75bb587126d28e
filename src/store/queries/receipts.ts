import type { Store } from '../open-store.js';

export interface PartMatch {
  messageId: string;
  partIndex: number;
  segments: number;
  messageStatus: string;
  /** Status of every segment of the message, by index. */
  partStatuses: string[];
  /** Upstream id of every segment of the message, by index. */
  partUpstreamIds: string[];
}

/** Finds the message segment an upstream id belongs to, with the state of its sibling segments. */
export async function findPartByUpstreamId(
  store: Store,
  connector: string,
  upstreamId: string,
): Promise<PartMatch | undefined> {
  const part = await store.db
    .selectFrom('message_parts')
    .innerJoin('messages', 'messages.id', 'message_parts.message_id')
    .select(['message_parts.message_id', 'message_parts.part_index', 'messages.segments', 'messages.status'])
    .where('message_parts.connector', '=', connector)
    .where('message_parts.upstream_id', '=', upstreamId)
    .orderBy('message_parts.updated_at', 'desc')
    .executeTakeFirst();
  if (!part) return undefined;
  const siblings = await store.db
    .selectFrom('message_parts')
    .select(['part_index', 'status', 'upstream_id'])
    .where('message_id', '=', part.message_id)
    .orderBy('part_index')
    .execute();
  const partStatuses: string[] = [];
  const partUpstreamIds: string[] = [];
  for (const s of siblings) {
    partStatuses[s.part_index] = s.status;
    partUpstreamIds[s.part_index] = s.upstream_id;
  }
  return {
    messageId: part.message_id,
    partIndex: part.part_index,
    segments: part.segments,
    messageStatus: part.status,
    partStatuses,
    partUpstreamIds,
  };
}

/** Keeps a receipt no message claimed, so it stays visible instead of vanishing. */
export async function insertUnmatchedReceipt(
  store: Store,
  receipt: {
    connector: string;
    upstreamId: string;
    status: string;
    code: string | null;
    detail: string | null;
    at: number;
  },
): Promise<number> {
  const row = await store.db
    .insertInto('unmatched_receipts')
    .values({
      connector: receipt.connector,
      upstream_id: receipt.upstreamId,
      status: receipt.status,
      code: receipt.code,
      detail: receipt.detail,
      received_at: receipt.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Removes a kept receipt once it has found its message after all. */
export async function deleteUnmatchedReceipt(store: Store, id: number): Promise<void> {
  await store.db.deleteFrom('unmatched_receipts').where('id', '=', id).execute();
}
