import type { Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { OptOutsTable } from '../schema.js';

export type OptOutRow = Selectable<OptOutsTable>;

/** Every opt-out (loaded once at start into the in-memory registry). */
export async function loadAllOptOuts(store: Store): Promise<Pick<OptOutRow, 'account_id' | 'number'>[]> {
  return store.db.selectFrom('opt_outs').select(['account_id', 'number']).execute();
}

export async function listOptOuts(store: Store, accountId: string): Promise<OptOutRow[]> {
  return store.db
    .selectFrom('opt_outs')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('number')
    .execute();
}

/** Records an opt-out; false when the number had already opted out. */
export async function addOptOut(store: Store, row: OptOutRow): Promise<boolean> {
  const result = await store.db
    .insertInto('opt_outs')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'number']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Lifts an opt-out; false when there was none. */
export async function removeOptOut(store: Store, accountId: string, number: string): Promise<boolean> {
  const result = await store.db
    .deleteFrom('opt_outs')
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
