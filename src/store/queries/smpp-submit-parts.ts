import type { Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { SmppSubmitPartsTable } from '../schema.js';

export type SmppSubmitPartRow = Selectable<SmppSubmitPartsTable>;

/**
 * Stores one part of a long message (a repeat of a stored part changes nothing) and returns every
 * part of it so far, in order. The first part stored fixes the message id (`newMessageId` is used
 * only then); later parts take it from the rows already there.
 */
export async function storeSmppSubmitPart(
  store: Store,
  part: Omit<SmppSubmitPartRow, 'message_id'>,
  newMessageId: () => string,
): Promise<SmppSubmitPartRow[]> {
  return store.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('smpp_submit_parts')
      .select('message_id')
      .where('account_id', '=', part.account_id)
      .where('part_key', '=', part.part_key)
      .limit(1)
      .executeTakeFirst();
    await trx
      .insertInto('smpp_submit_parts')
      .values({ ...part, message_id: existing?.message_id ?? newMessageId() })
      .onConflict((oc) => oc.columns(['account_id', 'part_key', 'seqnum']).doNothing())
      .execute();
    return trx
      .selectFrom('smpp_submit_parts')
      .selectAll()
      .where('account_id', '=', part.account_id)
      .where('part_key', '=', part.part_key)
      .orderBy('seqnum')
      .execute();
  });
}

/** Forgets the parts of a message once it has been stored whole. */
export async function deleteSmppSubmitParts(store: Store, accountId: string, partKey: string): Promise<void> {
  await store.db
    .deleteFrom('smpp_submit_parts')
    .where('account_id', '=', accountId)
    .where('part_key', '=', partKey)
    .execute();
}

/** Drops parts that have waited since before `before` for the rest of their message; returns how many. */
export async function deleteStaleSmppSubmitParts(store: Store, before: number): Promise<number> {
  const result = await store.db
    .deleteFrom('smpp_submit_parts')
    .where('received_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
