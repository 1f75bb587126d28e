import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { CredentialsTable } from '../schema.js';

export type CredentialRow = Selectable<CredentialsTable>;

/**
 * Inserts a credential unless a live one of the same kind, identifier and environment exists
 * (the unique index `credentials_live_unique` decides, so concurrent inserts cannot both win).
 * Returns false when it was not inserted.
 */
export async function insertCredential(store: Store, row: Insertable<CredentialsTable>): Promise<boolean> {
  const result = await store.db
    .insertInto('credentials')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The accounts that hold or held a credential of this kind and identifier (any environment). */
export async function findCredentialHolders(
  store: Store,
  kind: string,
  identifier: string,
): Promise<string[]> {
  const rows = await store.db
    .selectFrom('credentials')
    .select('account_id')
    .distinct()
    .where('kind', '=', kind)
    .where('identifier', '=', identifier)
    .execute();
  return rows.map((r) => r.account_id);
}

/**
 * The live credential of this kind, identifier and environment, with its account's role and state
 * and, when the account's tenant has a partner, whether that partner is disabled.
 */
export async function findLiveCredential(
  store: Store,
  kind: string,
  identifier: string,
  environment: string,
): Promise<
  | (CredentialRow & { role: string; disabled_at: number | null; partner_disabled_at: number | null })
  | undefined
> {
  return store.db
    .selectFrom('credentials')
    .innerJoin('accounts', 'accounts.id', 'credentials.account_id')
    .leftJoin('tenants', 'tenants.id', 'accounts.tenant_id')
    .leftJoin('accounts as partner', 'partner.id', 'tenants.partner_account_id')
    .selectAll('credentials')
    .select(['accounts.role', 'accounts.disabled_at', 'partner.disabled_at as partner_disabled_at'])
    .where('credentials.kind', '=', kind)
    .where('credentials.identifier', '=', identifier)
    .where('credentials.environment', '=', environment)
    .where('credentials.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function listCredentials(
  store: Store,
  accountId: string,
): Promise<Omit<CredentialRow, 'secret_hash' | 'signing_secret'>[]> {
  return store.db
    .selectFrom('credentials')
    .select([
      'id',
      'account_id',
      'kind',
      'identifier',
      'environment',
      'default_region',
      'created_at',
      'revoked_at',
    ])
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeCredential(
  store: Store,
  accountId: string,
  id: string,
  at: number,
): Promise<boolean> {
  const result = await store.db
    .updateTable('credentials')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The identifier and signing secret of a credential that keeps one (a Twilio account SID and its
 * auth token); null when it keeps none or is gone. A revoked credential still signs what it sent:
 * its receiver may not have moved to the new token yet.
 */
export async function findSigningCredential(
  store: Store,
  credentialId: string,
): Promise<{ identifier: string; secret: string } | null> {
  const row = await store.db
    .selectFrom('credentials')
    .select(['identifier', 'signing_secret'])
    .where('id', '=', credentialId)
    .executeTakeFirst();
  return row?.signing_secret ? { identifier: row.identifier, secret: row.signing_secret } : null;
}

/** An account's newest live credential of a kind (its id), if it has one. */
export async function findNewestLiveCredential(
  store: Store,
  accountId: string,
  kind: string,
): Promise<{ id: string } | undefined> {
  return store.db
    .selectFrom('credentials')
    .select('id')
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}
