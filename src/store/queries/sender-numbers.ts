import type { Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { SenderNumbersTable } from '../schema.js';

export type SenderNumberRow = Selectable<SenderNumbersTable>;

/** Every owned sender number (loaded once at start into the in-memory registry). */
export async function loadSenderNumbers(store: Store): Promise<SenderNumberRow[]> {
  return store.db.selectFrom('sender_numbers').selectAll().orderBy('number').execute();
}

/** Gives a number to an account (taking it from its previous owner, if any). */
export async function saveSenderNumber(store: Store, row: SenderNumberRow): Promise<void> {
  await store.db
    .insertInto('sender_numbers')
    .values(row)
    .onConflict((oc) =>
      oc.column('number').doUpdateSet({ account_id: row.account_id, created_at: row.created_at }),
    )
    .execute();
}

/** Releases a number; false when nobody owned it. */
export async function deleteSenderNumber(store: Store, number: string): Promise<boolean> {
  const result = await store.db.deleteFrom('sender_numbers').where('number', '=', number).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
