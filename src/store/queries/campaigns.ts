import type { Selectable, Updateable } from 'kysely';
import type { Store } from '../open-store.js';
import type { CampaignsTable } from '../schema.js';

export type CampaignRow = Selectable<CampaignsTable>;
export type CampaignChanges = Omit<Updateable<CampaignsTable>, 'account_id' | 'id' | 'created_at'>;

/** Inserts a campaign; false when the account has one with this id already (the primary key decides). */
export async function insertCampaign(store: Store, row: CampaignRow): Promise<boolean> {
  const result = await store.db
    .insertInto('campaigns')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** One of an account's campaigns. */
export async function findCampaign(
  store: Store,
  accountId: string,
  id: string,
): Promise<CampaignRow | undefined> {
  return store.db
    .selectFrom('campaigns')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The campaigns of these accounts (every account's when undefined), by account and id. */
export async function listCampaigns(
  store: Store,
  accountIds: readonly string[] | undefined,
): Promise<CampaignRow[]> {
  if (accountIds !== undefined && accountIds.length === 0) return [];
  let query = store.db.selectFrom('campaigns').selectAll();
  if (accountIds !== undefined) query = query.where('account_id', 'in', [...accountIds]);
  return query.orderBy('account_id').orderBy('id').execute();
}

/** Changes a campaign; the row as it is now, or undefined when there is none. */
export async function updateCampaign(
  store: Store,
  accountId: string,
  id: string,
  changes: CampaignChanges,
): Promise<CampaignRow | undefined> {
  await store.db
    .updateTable('campaigns')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
  return findCampaign(store, accountId, id);
}

/** Deletes a campaign; false when there was none. */
export async function deleteCampaign(store: Store, accountId: string, id: string): Promise<boolean> {
  const result = await store.db
    .deleteFrom('campaigns')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
