import type { Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { AccountsTable, ApiKeysTable } from '../schema.js';

export type AccountRow = Selectable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function countAccounts(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertAccount(store: Store, account: AccountRow): Promise<void> {
  await store.db.insertInto('accounts').values(account).execute();
}

export async function findAccount(store: Store, id: string): Promise<AccountRow | undefined> {
  return store.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertApiKey(store: Store, key: ApiKeyRow): Promise<void> {
  await store.db.insertInto('api_keys').values(key).execute();
}

/** The live (not revoked) key with this prefix, with its account. */
export async function findApiKeyByPrefix(
  store: Store,
  prefix: string,
): Promise<(ApiKeyRow & { account_role: string; account_disabled_at: number | null }) | undefined> {
  return store.db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .selectAll('api_keys')
    .select(['accounts.role as account_role', 'accounts.disabled_at as account_disabled_at'])
    .where('api_keys.prefix', '=', prefix)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchApiKey(store: Store, id: string, at: number): Promise<void> {
  await store.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
