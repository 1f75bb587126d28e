import type { Kysely, Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database, InboundPartsTable } from '../schema.js';

export type InboundPartRow = Selectable<InboundPartsTable>;

/** Stores one part (a repeat of a stored part changes nothing) and returns every part of its message so far. */
export async function storeInboundPart(store: Store, part: InboundPartRow): Promise<InboundPartRow[]> {
  return store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('inbound_parts')
      .values(part)
      .onConflict((oc) => oc.columns(['part_key', 'seqnum']).doNothing())
      .execute();
    return trx
      .selectFrom('inbound_parts')
      .selectAll()
      .where('part_key', '=', part.part_key)
      .orderBy('seqnum')
      .execute();
  });
}

/** The stored parts of one message, in order. */
export async function loadInboundParts(store: Store, partKey: string): Promise<InboundPartRow[]> {
  return store.db
    .selectFrom('inbound_parts')
    .selectAll()
    .where('part_key', '=', partKey)
    .orderBy('seqnum')
    .execute();
}

/** Deletes a message's parts (inside the transaction that stores the whole message). */
export async function deleteInboundParts(trx: Kysely<Database>, partKey: string): Promise<void> {
  await trx.deleteFrom('inbound_parts').where('part_key', '=', partKey).execute();
}

/** The keys of messages whose first part arrived before `before`. */
export async function staleInboundPartKeys(store: Store, before: number): Promise<string[]> {
  const rows = await store.db
    .selectFrom('inbound_parts')
    .select('part_key')
    .groupBy('part_key')
    .having((eb) => eb.fn.min('received_at'), '<', before)
    .execute();
  return rows.map((r) => r.part_key);
}
