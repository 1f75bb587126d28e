import type { Insertable, Selectable } from 'kysely';
import { newWebhookSecret } from '../../webhooks/webhook-secret.js';
import type { Store } from '../open-store.js';
import type { AccountsTable, ApiKeysTable } from '../schema.js';

export type AccountRow = Selectable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
/** The account columns an admin may change. */
export type AccountChanges = Partial<
  Pick<
    AccountRow,
    | 'name'
    | 'disabled_at'
    | 'rate_per_second'
    | 'rate_burst'
    | 'monthly_segment_quota'
    | 'allowed_senders'
    | 'balance_micros'
    | 'status_webhook_url'
    | 'inbound_webhook_url'
    | 'webhook_secret'
    | 'opt_out_keywords'
    | 'admin_limits'
  >
>;

export async function countAccounts(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Inserts an account; one without a webhook secret gets a new one. */
export async function insertAccount(store: Store, account: Insertable<AccountsTable>): Promise<void> {
  await store.db
    .insertInto('accounts')
    .values({ ...account, webhook_secret: account.webhook_secret ?? newWebhookSecret() })
    .execute();
}

export async function findAccount(store: Store, id: string): Promise<AccountRow | undefined> {
  return store.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertApiKey(store: Store, key: ApiKeyRow): Promise<void> {
  await store.db.insertInto('api_keys').values(key).execute();
}

/**
 * The live (not revoked) key with this prefix, with its account and, when the account's tenant has
 * a partner, whether that partner is disabled.
 */
export async function findApiKeyByPrefix(
  store: Store,
  prefix: string,
): Promise<
  | (ApiKeyRow & {
      account_role: string;
      account_disabled_at: number | null;
      partner_disabled_at: number | null;
    })
  | undefined
> {
  return store.db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .leftJoin('tenants', 'tenants.id', 'accounts.tenant_id')
    .leftJoin('accounts as partner', 'partner.id', 'tenants.partner_account_id')
    .selectAll('api_keys')
    .select([
      'accounts.role as account_role',
      'accounts.disabled_at as account_disabled_at',
      'partner.disabled_at as partner_disabled_at',
    ])
    .where('api_keys.prefix', '=', prefix)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchApiKey(store: Store, id: string, at: number): Promise<void> {
  await store.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Accounts, optionally only those of the given tenants (plus the given extra account ids). */
export async function listAccounts(
  store: Store,
  filter: { tenantIds?: readonly string[]; alsoIds?: readonly string[] } = {},
): Promise<AccountRow[]> {
  let query = store.db.selectFrom('accounts').selectAll();
  if (filter.tenantIds) {
    const tenantIds = filter.tenantIds;
    const alsoIds = filter.alsoIds ?? [];
    query = query.where((eb) =>
      eb.or([
        ...(tenantIds.length > 0 ? [eb('tenant_id', 'in', tenantIds)] : []),
        ...(alsoIds.length > 0 ? [eb('id', 'in', alsoIds)] : []),
        eb.lit(false),
      ]),
    );
  }
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function updateAccount(store: Store, id: string, changes: AccountChanges): Promise<void> {
  // An empty change (a PATCH with nothing to change) must not become an UPDATE without SET.
  if (Object.keys(changes).length === 0) return;
  await store.db.updateTable('accounts').set(changes).where('id', '=', id).execute();
}

/** An account's keys, newest first (hashes are never returned). */
export async function listApiKeys(store: Store, accountId: string): Promise<Omit<ApiKeyRow, 'hash'>[]> {
  return store.db
    .selectFrom('api_keys')
    .select(['id', 'account_id', 'prefix', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes a key of an account; false when there is no such live key. */
export async function revokeApiKey(
  store: Store,
  accountId: string,
  keyId: string,
  at: number,
): Promise<boolean> {
  const result = await store.db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', keyId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
